//===- Output.h - Writing weftc's output: all of it, or nothing -----------===//
//
// weftc's result goes to standard output or, with -o, to a file. A file is written as a
// temporary next to it (`<output>.tmp.XXXXXXXX`, same directory, so the rename cannot
// cross file systems), flushed to disk, and renamed over the output only once complete:
// the output appears whole or not at all, and an output that existed before is left as
// it was when anything fails. The temporary is removed on every failure path:
//   - a write, flush or close error (a full disk, a quota) and a file-size limit
//     (`ulimit -f`: SIGXFSZ is ignored while writing, so the write fails with EFBIG):
//     a one-line diagnostic, exit status 1;
//   - a signal that ends weftc while the temporary exists (SIGHUP, SIGINT, SIGQUIT,
//     SIGTERM, SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU, and the crash signals SIGABRT, SIGBUS,
//     SIGFPE, SIGILL, SIGSEGV, SIGSYS): the handler removes the temporary, then the
//     signal ends weftc as it would have (a signal that was ignored stays ignored).
// Only SIGKILL (and a power cut before the rename) can leave a temporary behind.
//
// An output that exists and is not a regular file (/dev/null, a terminal, a pipe) is
// written directly: there is nothing to replace atomically. Standard output cannot be
// written atomically either; its write errors are diagnostics as well (exit 1), also
// for what LLVM's option parser prints (--version, --help), and never LLVM's abort.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_TOOLS_WEFTC_OUTPUT_H
#define WEFT_TOOLS_WEFTC_OUTPUT_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace weft {

/// Makes a write error on standard output or standard error at exit a diagnostic and
/// exit status 1 (for stdout) instead of LLVM's "IO failure on output stream" abort.
/// Call first thing in main.
void check_standard_streams_at_exit();

/// Checks before any work is done that `path` ("-": standard output) can be written:
/// its directory exists and it is not a directory. Returns the diagnostic, "" if fine.
std::string check_output(const std::string &path);

/// Writes `text` to `path` ("-": standard output) as described above. Returns false
/// after printing a one-line diagnostic.
bool write_output(const std::string &path, llvm::StringRef text);

} // namespace weft

#endif // WEFT_TOOLS_WEFTC_OUTPUT_H
