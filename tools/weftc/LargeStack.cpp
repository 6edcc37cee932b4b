//===- LargeStack.cpp - Running weftc on a stack that deep expressions fit -===//
#include "LargeStack.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>

namespace weft {
namespace {

constexpr size_t kStackBytes = size_t(512) << 20;
/// Inaccessible memory below the stack: the access that runs past the stack lands
/// here (a frame larger than this could jump over it; weft's and clang's are smaller).
constexpr size_t kGuardBytes = size_t(1) << 20;
/// The signal handler's own stack: the thread's is exhausted when it runs.
constexpr size_t kSignalStackBytes = size_t(64) << 10;

/// The guard region, set before the thread starts and read by the signal handler.
char *guard_low = nullptr;
char *guard_high = nullptr;

/// A fault in the guard region is the stack running out: say so and exit 1. Any other
/// fault gets the default action (SA_RESETHAND restored it before this runs): returning
/// re-executes the faulting instruction.
void on_fault(int, siginfo_t *info, void *) {
  const char *at = static_cast<const char *>(info->si_addr);
  if (at >= guard_low && at < guard_high) {
    static const char message[] =
        "weftc: error: an expression in the input nests more deeply than weftc's 512 MiB "
        "stack allows; split it into several statements\n";
    ssize_t written = write(STDERR_FILENO, message, sizeof message - 1);
    (void)written;
    _exit(1);
  }
}

struct Call {
  int (*body)(int, const char **);
  int argc;
  const char **argv;
  int result;
};

void *thread_main(void *arg) {
  static char signal_stack[kSignalStackBytes];
  stack_t alternate{};
  alternate.ss_sp = signal_stack;
  alternate.ss_size = sizeof signal_stack;
  sigaltstack(&alternate, nullptr);
  auto *call = static_cast<Call *>(arg);
  call->result = call->body(call->argc, call->argv);
  return nullptr;
}

} // namespace

int run_with_large_stack(int (*body)(int, const char **), int argc, const char **argv) {
  void *memory = mmap(nullptr, kGuardBytes + kStackBytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (memory == MAP_FAILED)
    return body(argc, argv);
  char *low = static_cast<char *>(memory);
  Call call{body, argc, argv, 1};
  pthread_t thread;
  pthread_attr_t attributes;
  bool started = false;
  if (mprotect(low, kGuardBytes, PROT_NONE) == 0 && pthread_attr_init(&attributes) == 0) {
    if (pthread_attr_setstack(&attributes, low + kGuardBytes, kStackBytes) == 0) {
      guard_low = low;
      guard_high = low + kGuardBytes;
      struct sigaction action {};
      action.sa_sigaction = on_fault;
      action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
      sigemptyset(&action.sa_mask);
      sigaction(SIGSEGV, &action, nullptr);
      started = pthread_create(&thread, &attributes, thread_main, &call) == 0;
    }
    pthread_attr_destroy(&attributes);
  }
  if (!started) {
    munmap(memory, kGuardBytes + kStackBytes);
    return body(argc, argv);
  }
  pthread_join(thread, nullptr);
  munmap(memory, kGuardBytes + kStackBytes);
  return call.result;
}

} // namespace weft
