// main() of the single-process runtime tests: MPI starts with the first test that needs a
// session (listing the tests needs none) and ends after the last.
#include <gtest/gtest.h>

#include <memory>

#include "rt_test_session.h"

namespace weft_test {

std::unique_ptr<weft::rt::Session> the_session;

weft::rt::Session &session() {
  if (!the_session) {
    weft::rt::Options options;
    options.threads = 2;
    options.wait_timeout_seconds = 30;
    // Lazy materialization (not the default): the memory model's tests follow arrays
    // through protection, the fault handler and the explicit checks of data() and fill.
    options.lazy_materialize = true;
    the_session = std::make_unique<weft::rt::Session>(options);
  }
  return *the_session;
}

} // namespace weft_test

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
  weft_test::the_session.reset();
  return rc;
}
