//===- LoopRewriter.h - One annotated loop into one executor call -------===//
//
// The loop rewriter of Rewrite.h: for one loop, checks everything the runtime needs
// (headers, footprint, what the body does with its jumps, bracket depth) before its
// first edit, so that a refusal changes nothing; then replaces the loop, from its
// pragma to its end, by the executor call, guarded by the run-time alias check when
// the analysis assumed arrays distinct.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_TRANSFORMS_LOOPREWRITER_H
#define WEFT_TRANSFORMS_LOOPREWRITER_H

#include "LoopHeaders.h"
#include "Rewrite.h"
#include "SourceText.h"

#include "clang/Rewrite/Core/Rewriter.h"

#include <optional>
#include <string>
#include <variant>

namespace weft {
namespace rewrite {

class LoopRewriter {
public:
  LoopRewriter(clang::ASTContext &context, clang::Rewriter &rewriter)
      : context_(context), rewriter_(rewriter), text_(context) {}

  /// Rewrites one loop, or returns why not (then nothing was changed). `executor` gets
  /// the executor's name.
  std::optional<Refused> rewrite(const AnalyzedLoop &loop, std::string *executor);

  /// The pragma line of a loop that stays serial, as a comment.
  void keep_serial(const LoopModel &m, const std::string &comment);

private:
  std::variant<Header, Refused> header(const LoopLevel &level);
  /// A pipeline loop into the pipeline executor's call (PipelineRewrite.h).
  std::optional<Refused> rewrite_pipeline(const AnalyzedLoop &loop, std::string *executor);
  /// The condition under which the executor call runs, "if (...) ": the process has a
  /// session (weft::rt::has_session) and the pairs the analysis assumed distinct are;
  /// and the loop as written (up to `loop_end`) for the else branch.
  void run_guard(const AnalyzedLoop &loop, SourceLocation loop_end, std::string *guard,
                 std::string *fallback) const;
  /// Every array the rewrite names before the loop (a written or read DistArray, an
  /// Accumulator, a Buffer, an array of an alias check) is named there by the text it was
  /// written with, and that text names nothing the loop declares (an InternalError
  /// otherwise: the frontend makes such an array an unknown effect). Refused where a
  /// declaration between them hides a name of that text (HiddenNames.h).
  std::optional<Refused> check_names_before_loop(const AnalyzedLoop &loop) const;
  /// The white space before `loc` on its line, or "" when code precedes it.
  std::string indentation(SourceLocation loc) const;
  /// Replaces the pragma directive, from its '#' up to the line break that ends it
  /// (Pragma::end: past backslash-continued lines and comments), with `comment`; the
  /// line break stays.
  void replace_pragma(const LoopModel &m, const std::string &comment);

  clang::ASTContext &context_;
  clang::Rewriter &rewriter_;
  Text text_;
  std::optional<BracketDepths> depths_; ///< lexed at the first loop that needs them
};

} // namespace rewrite
} // namespace weft

#endif // WEFT_TRANSFORMS_LOOPREWRITER_H
