// fail_fast_main <mode> <rank>: process <rank> fails in the way <mode> names while the
// others go on to a collective operation. The job must end within seconds, with a
// non-zero status and the failing process's message once (tests/mpi/CMakeLists.txt,
// mpi_fail_fast_*):
//   hang          it sleeps instead of joining a barrier: the others end on the deadline
//                 (--weft-wait-timeout)
//   throw         it throws an exception that nothing catches
//   exit          its main returns 3
//   segv          it makes an invalid memory access
//   loop          an exception in a parallel loop's body, caught by main, which prints
//                 it and returns 1 (as the samples do)
//   serial        a weft::Error in serial code, caught by main, printed, return 1
//   late          it sleeps while the others return 0: they end on the deadline of the
//                 barrier at their exit
//   ok            nothing fails: exit status 0
#include <weft/rt/partition_1d.h>
#include <weft/rt/session.h>

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int run(weft::rt::Session &session, const std::string &mode, int failing) {
  const bool me = session.rank() == failing;
  if (me && mode != "ok") {
    // When the failure happens, for measuring how long the job takes to end after it.
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::fprintf(stderr, "fail_fast_main: rank %d fails at %.6f s\n", session.rank(), now);
  }
  weft::DistArray<double, 1> a({1000});
  if (mode == "late") {
    if (me)
      sleep(3600);
    return 0;
  }
  if (mode == "loop") {
    weft::rt::partition_1d(session, weft::rt::IndexRange{0, 1000},
                           weft::rt::Footprint().write(a, 0), [&](std::int64_t i) {
                             if (me && i % 100 == 7) {
                               throw weft::Error("the loop body failed at i = " +
                                                 std::to_string(i));
                             }
                             a(i) = 2.0 * static_cast<double>(i);
                           });
  } else if (me) {
    if (mode == "hang") {
      sleep(3600);
    } else if (mode == "throw") {
      throw weft::Error("an error that nothing catches");
    } else if (mode == "exit") {
      return 3;
    } else if (mode == "segv") {
      volatile std::uintptr_t address = 8;
      *reinterpret_cast<volatile int *>(address) = 1;
    } else if (mode == "serial") {
      throw weft::Error("a serial error on rank " + std::to_string(session.rank()));
    }
  }
  // The others: a collective operation that the failing process never joins.
  session.transport().barrier();
  std::int64_t sum = 1;
  session.transport().allreduce_sum(&sum, 1);
  std::printf("rank %d: %lld processes\n", session.rank(), static_cast<long long>(sum));
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  weft::rt::Session session(argc, argv);
  if (argc != 3) {
    std::fprintf(stderr, "usage: fail_fast_main hang|throw|exit|segv|loop|serial|late|ok <rank>\n");
    return 2;
  }
  const std::string mode = argv[1];
  const int failing = std::atoi(argv[2]);
  if (mode == "throw")
    return run(session, mode, failing); // nothing catches
  try {
    return run(session, mode, failing);
  } catch (const weft::Error &e) {
    std::fprintf(stderr, "fail_fast_main: error: %s\n", e.what());
    return 1;
  }
}
