// Page protection and the SIGSEGV/SIGBUS handler of lazily materialized DistArrays.
//
// A partitioned array's storage is PROT_NONE until its first serial access. The access
// faults; the handler (on the faulting thread) finds the array by address and, on the
// main thread outside any parallel loop, materializes it (unprotect + allgather) and
// returns, so the access retries and succeeds. The fault is synchronous and happens in
// serial user code at an element access, which holds no lock of libc or MPI, so the
// collective calls below are safe there (the premise of page-based software DSM).
// Faults anywhere else go to the handler that was installed before (OpenMPI's backtrace
// handler, or the default action).
#include "page_guard.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "weft/rt/distribution.h"
#include "weft/weft.h"

namespace weft::rt {
namespace {

struct ProtectedRange {
  std::uintptr_t begin;
  std::uintptr_t end;
  ArrayRecord *record;
};

// Changed only by the main thread outside of faults, read by the handler. A fixed
// array, so that the handler never sees a reallocation half done.
constexpr int kMaxRanges = 4096;
ProtectedRange ranges[kMaxRanges];
int range_count = 0;
std::mutex ranges_mutex; // protects writers against each other (never taken by the handler)

bool handler_installed = false;
struct sigaction previous_segv;
struct sigaction previous_bus;
thread_local int runtime_depth = 0;

void write_stderr(const char *text) {
  const std::size_t n = std::strlen(text);
  ssize_t ignored = ::write(2, text, n);
  (void)ignored;
}

void pass_on(int sig, siginfo_t *info, void *context) {
  const struct sigaction &previous = sig == SIGBUS ? previous_bus : previous_segv;
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(sig, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN &&
      previous.sa_handler != nullptr) {
    previous.sa_handler(sig);
    return;
  }
  // Default action: restore it and return; the faulting instruction faults again.
  signal(sig, SIG_DFL);
}

void on_fault(int sig, siginfo_t *info, void *context) {
  const std::uintptr_t address = reinterpret_cast<std::uintptr_t>(info->si_addr);
  ArrayRecord *record = nullptr;
  for (int i = 0; i < range_count; ++i) {
    if (address >= ranges[i].begin && address < ranges[i].end)
      record = ranges[i].record;
  }
  if (record == nullptr) {
    pass_on(sig, info, context);
    return;
  }
  Session *session = record->session();
  if (runtime_depth > 0) {
    write_stderr(
        "weft: internal error: the runtime touched a partitioned array it had not opened\n");
    std::_Exit(70);
  }
  if (session == nullptr) {
    write_stderr(
        "weft: error: a DistArray left partitioned by a parallel loop was accessed after its "
        "weft::rt::Session ended\n");
    std::_Exit(1);
  }
  if (!session->on_main_thread() || session->in_loop()) {
    const std::string text =
        "weft: error: rank " + std::to_string(session->rank()) +
        ": a parallel loop touched the DistArray of shape " + record->shape() +
        ", which an earlier loop left partitioned, without passing it to its executor "
        "(list it among the loop's reads or writes)\n";
    write_stderr(text.c_str());
    std::_Exit(1);
  }
  try {
    record->materialize_after_fault();
  } catch (const std::exception &e) {
    const std::string text = "weft: rank " + std::to_string(session->rank()) +
                             ": error while making a DistArray whole: " + e.what() + "\n";
    write_stderr(text.c_str());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
}

void install_handler() {
  if (handler_installed)
    return;
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_sigaction = &on_fault;
  action.sa_flags =
      SA_SIGINFO; // SIGSEGV stays blocked in the handler: a fault there ends the process
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGSEGV, &action, &previous_segv) != 0 ||
      sigaction(SIGBUS, &action, &previous_bus) != 0) {
    throw weft::Error(std::string("weft::rt: cannot install the fault handler: ") +
                      std::strerror(errno));
  }
  handler_installed = true;
}

} // namespace

bool page_protection_available() {
  const long page = sysconf(_SC_PAGESIZE);
  return page > 0 && static_cast<std::size_t>(page) <= weft::detail::kPageBytes &&
         weft::detail::kPageBytes % static_cast<std::size_t>(page) == 0;
}

void protect_pages(std::byte *begin, std::int64_t bytes, ArrayRecord *record) {
  if (bytes <= 0)
    return;
  std::lock_guard<std::mutex> lock(ranges_mutex);
  install_handler();
  if (range_count == kMaxRanges) {
    throw weft::Error("weft::rt: more than " + std::to_string(kMaxRanges) +
                      " DistArrays are partitioned at once; use --weft-materialize=eager");
  }
  // Registered before protecting: a fault can only come after mprotect.
  ranges[range_count] = ProtectedRange{
      reinterpret_cast<std::uintptr_t>(begin),
      reinterpret_cast<std::uintptr_t>(begin) + static_cast<std::uintptr_t>(bytes), record};
  ++range_count;
  if (mprotect(begin, static_cast<std::size_t>(bytes), PROT_NONE) != 0) {
    --range_count;
    throw weft::Error(std::string("weft::rt: mprotect failed: ") + std::strerror(errno));
  }
}

void unprotect_pages(std::byte *begin, std::int64_t bytes) {
  if (bytes <= 0)
    return;
  std::lock_guard<std::mutex> lock(ranges_mutex);
  if (mprotect(begin, static_cast<std::size_t>(bytes), PROT_READ | PROT_WRITE) != 0) {
    // Cannot happen for memory we protected ourselves; do not leave a range that would
    // fault forever.
    write_stderr("weft: internal error: mprotect could not unprotect an array\n");
    std::abort();
  }
  const std::uintptr_t b = reinterpret_cast<std::uintptr_t>(begin);
  for (int i = 0; i < range_count; ++i) {
    if (ranges[i].begin == b) {
      ranges[i] = ranges[range_count - 1];
      --range_count;
      break;
    }
  }
}

RuntimeSection::RuntimeSection() { ++runtime_depth; }
RuntimeSection::~RuntimeSection() { --runtime_depth; }

} // namespace weft::rt
