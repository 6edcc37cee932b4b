// The session of a multi-process test program (made by mpi_test_main.cpp).
#pragma once

#include <weft/rt/session.h>

namespace weft_test {

weft::rt::Session& session();

}  // namespace weft_test
