// The weft::rt::Session of a single-process test program: made on first use (with two
// workers, so that executors run their blocks on threads), ended after the last test.
#pragma once

#include <weft/rt/session.h>

namespace weft_test {

weft::rt::Session &session();

} // namespace weft_test
