// weft/parallel.h — the parallel runtime, for programs that weftc generated (or that call
// the executors by hand). A serial program includes only weft/weft.h; weftc adds
//     #include <weft/parallel.h>
// after it, a weft::rt::Session at the start of main, and a call of an executor in place
// of each annotated loop it parallelizes (see dsm-runtime/README.md).
#pragma once

#include "weft/weft.h"

#include "weft/rt/alias.h"
#include "weft/rt/checkpoint.h"
#include "weft/rt/data_parallel.h"
#include "weft/rt/loop.h"
#include "weft/rt/partition_1d.h"
#include "weft/rt/pipeline.h"
#include "weft/rt/relaxed.h"
#include "weft/rt/rotation_2d.h"
#include "weft/rt/session.h"
#include "weft/rt/sparse.h"
#include "weft/rt/wavefront.h"
