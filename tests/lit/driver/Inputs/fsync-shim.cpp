// LD_PRELOAD shim for weftc's signal tests (tests/lit/driver/signal-*.cpp), so that a
// signal reaches weftc deterministically while its output is half done: weftc writes
// all of its output into a temporary next to the output file, fsyncs it, then renames
// it over the output. With WEFT_TEST_FSYNC_MARKER=<path> in the environment, this
// fsync of a file named *.tmp.* creates <path> and then waits for a signal instead of
// returning (for 60 s at most: a signal that never comes does not hang the tests);
// Inputs/signal-while-writing.py waits for <path> and sends the signal.
// No code in weftc knows of it: it replaces libc's fsync.
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern "C" int fsync(int fd) {
  const char *marker = getenv("WEFT_TEST_FSYNC_MARKER");
  char link[64], target[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t length = readlink(link, target, sizeof target - 1);
  if (marker && length > 0) {
    target[length] = '\0';
    const char *name = strrchr(target, '/');
    if (strstr(name ? name : target, ".tmp.")) {
      int made = open(marker, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (made >= 0)
        close(made);
      // sleep() returns early when a signal is handled; weftc's handler ends weftc.
      for (int waited = 0; waited < 60; ++waited)
        sleep(1);
    }
  }
  using Fsync = int (*)(int);
  return reinterpret_cast<Fsync>(dlsym(RTLD_NEXT, "fsync"))(fd);
}
