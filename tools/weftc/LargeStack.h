//===- LargeStack.h - Running weftc on a stack that deep expressions fit --===//
//
// clang's parser and weft's walks of an expression recurse once per level of it: on the
// usual 8 MiB stack, `x = a + a + ... + a` ends weftc (and clang) near 20,000 terms.
// weftc runs on a thread with a 512 MiB stack instead (memory only for the pages it
// uses), which takes such an expression past 100,000 terms. Should even that stack run
// out, weftc ends with a diagnostic that says so, and exit status 1, not a crash.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_TOOLS_WEFTC_LARGESTACK_H
#define WEFT_TOOLS_WEFTC_LARGESTACK_H

namespace weft {

/// Runs `body(argc, argv)` on a thread with a 512 MiB stack and returns its result; on
/// the calling thread when no such thread can be made.
int run_with_large_stack(int (*body)(int, const char **), int argc, const char **argv);

} // namespace weft

#endif // WEFT_TOOLS_WEFTC_LARGESTACK_H
