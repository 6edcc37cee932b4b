//===- Rewrite.h - Annotated loops into calls of the runtime's executors -===//
//
// weftc's last pass (--emit=source). Each annotated loop whose schedule the runtime can
// run is replaced, from its pragma to the end of the loop and nowhere else, by a call of
// the executor for its verdict:
//
//   // weft: rotation_2d (space key[0], time key[1]): no two conflicting iterations ...
//   if (weft::rt::has_session()) weft::rt::rotation_2d(weft::rt::Session::current(), R,
//                         /*space=*/0, /*time=*/1,
//                         weft::rt::Footprint().write(W, 0).write(H, 1).reduce(sq_err),
//                         [&](const auto& e) { <the loop body, byte for byte> });
//   else
//     <the loop as written>
//
// The loop body keeps its text; only `continue` statements of the annotated loop become
// `return` (they end the lambda's iteration). The loop as written runs where the
// process has no session (static initialization, or after main's session ended) or
// where arrays the analysis assumed distinct are one (docs/design.md, "Aliasing").
// If the file has an annotated loop, `main` gets the runtime's Session as its first
// statement (so the program takes the --weft-* options and prints once under mpirun,
// even if every loop stays sequential), and the file includes <weft/parallel.h> after
// <weft/weft.h>. Every other byte is unchanged.
//
// A loop stays as written, with its pragma turned into a comment (so that compilers do
// not warn about it) and a warning saying why, when its verdict is sequential or
// pipeline (no executor yet), or when the runtime cannot run its schedule: it writes
// storage other than weft::DistArray rows (a std::vector, a C array, a scalar), a written
// array's rows are not named by a key of the loop, its loop variable is declared outside
// the loop, its step is not 1 or -1, or the loop lies in a macro.
//
// An annotated loop inside an annotated loop that is rewritten stays as written, with a
// remark: the enclosing loop's executor runs it in each of its iterations.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_TRANSFORMS_REWRITE_H
#define WEFT_TRANSFORMS_REWRITE_H

#include "Dependences.h"
#include "LoopModel.h"
#include "Schedule.h"

#include <string>
#include <vector>

namespace clang {
class ASTContext;
} // namespace clang

namespace weft {

/// One annotated loop with what the analysis found.
struct AnalyzedLoop {
  const LoopModel *model = nullptr;
  const Dependences *deps = nullptr;
  const Schedule *schedule = nullptr;
};

/// What the rewrite did with a loop.
struct LoopRewrite {
  bool parallel = false;   ///< replaced by an executor call
  std::string executor;    ///< "rotation_2d", ... when parallel
  std::string kept_serial; ///< why not, when the verdict was parallel but the rewrite refused
};

/// The main file of `context` with `loops` rewritten (see above). Warnings for loops
/// kept serial by the rewrite go to the context's diagnostics; `results` gets one entry
/// per loop, in order.
std::string rewrite_source(clang::ASTContext &context, const std::vector<AnalyzedLoop> &loops,
                           std::vector<LoopRewrite> *results = nullptr);

} // namespace weft

#endif // WEFT_TRANSFORMS_REWRITE_H
