// A verified pipeline: its executor belongs to gpu-runtime, which is not built yet, so
// the loop stays sequential and the warning says so.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/weft.h>

float forward(int batches) {
  weft::DistArray<float, 1> x({batches}), h({batches}), y({batches});
  #pragma weft pipeline // expected-warning {{loop kept sequential: the pipeline executor (gpu-runtime) is not built yet (its verdict is pipeline)}}
  for (int b = 0; b < batches; ++b) {
    h(b) = x(b) * 3;
    y(b) = h(b) + 1;
  }
  return y(0);
}
// CHECK: // weft: pipeline, but kept sequential: the pipeline executor (gpu-runtime) is not built yet
// CHECK: for (int b = 0; b < batches; ++b) {
