//===- Rewrite.cpp - Annotated loops into calls of the runtime's executors ===//
#include "Rewrite.h"

#include "LoopRewriter.h"
#include "SourceText.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Rewrite/Core/Rewriter.h"

#include <optional>
#include <string>
#include <vector>

namespace weft {
namespace {

using clang::SourceLocation;
using clang::SourceRange;
using rewrite::LoopRewriter;
using rewrite::Refused;
using rewrite::Text;

/// Gives `main` the runtime's Session as its first statement.
void add_session(clang::ASTContext &context, clang::Rewriter &rewriter, const Text &text) {
  for (const clang::Decl *d : context.getTranslationUnitDecl()->decls()) {
    const auto *fn = llvm::dyn_cast<clang::FunctionDecl>(d);
    if (!fn || !fn->isMain() || !fn->doesThisDeclarationHaveABody())
      continue;
    // int main() try { ... } catch (...) { ... }: the session opens the try block.
    const clang::Stmt *outer = fn->getBody();
    if (const auto *t = llvm::dyn_cast<clang::CXXTryStmt>(outer))
      outer = t->getTryBlock();
    const auto *body = llvm::dyn_cast<clang::CompoundStmt>(outer);
    if (!body || !text.rewritable(SourceRange(body->getLBracLoc(), body->getLBracLoc())))
      continue;
    std::string session;
    if (fn->getNumParams() >= 2 && !fn->getParamDecl(0)->getName().empty() &&
        !fn->getParamDecl(1)->getName().empty() &&
        fn->getParamDecl(1)->getType().getCanonicalType().getAsString() == "char **")
      session = "weft::rt::Session weft_session(" + fn->getParamDecl(0)->getName().str() + ", " +
                fn->getParamDecl(1)->getName().str() + ", weft::rt::Output::Root);";
    else
      session = "weft::rt::Session weft_session(weft::rt::Output::Root);";
    // On lines of their own, so that code after the brace on its line stays code.
    const std::string &eol = text.eol();
    rewriter.InsertTextAfterToken(
        body->getLBracLoc(),
        eol + "  // weft: MPI processes and threads for the parallel loops" + eol + "  " + session);
    // What static initializers print appears once (weft/rt/session.h, OutputBeforeMain);
    // after the runtime's include where that goes to the same place.
    const SourceLocation start = fn->getOuterLocStart();
    if (text.rewritable(SourceRange(start, start)))
      rewriter.InsertTextAfter(start, "// weft: what static initializers print appears once" + eol +
                                          "static weft::rt::OutputBeforeMain weft_output_before_"
                                          "main __attribute__((init_priority(101)));" +
                                          eol);
  }
}

/// Whether `line` is `#include <weft/weft.h>` (or with quotes), spaces allowed.
bool includes_weft_header(llvm::StringRef line) {
  line = line.ltrim();
  if (!line.consume_front("#"))
    return false;
  line = line.ltrim();
  if (!line.consume_front("include"))
    return false;
  line = line.ltrim();
  return line.startswith("<weft/weft.h>") || line.startswith("\"weft/weft.h\"");
}

/// Includes the runtime after the line that includes weft/weft.h (or first in the file).
/// Lines end at "\n", "\r\n" or "\r", as clang reads them.
void add_include(clang::ASTContext &context, clang::Rewriter &rewriter, const Text &text) {
  const clang::SourceManager &sm = context.getSourceManager();
  clang::FileID main = sm.getMainFileID();
  llvm::StringRef buffer = sm.getBufferData(main);
  const std::string line = "#include <weft/parallel.h>  // weft: the parallel runtime" + text.eol();
  SourceLocation start = sm.getLocForStartOfFile(main);
  // A UTF-8 byte order mark stays the file's first bytes.
  const size_t first = buffer.startswith("\xEF\xBB\xBF") ? 3 : 0;
  for (size_t at = first; at < buffer.size();) {
    size_t end = rewrite::end_of_line(buffer, at);
    if (includes_weft_header(buffer.slice(at, end))) {
      if (end == buffer.size())
        rewriter.InsertTextAfter(start.getLocWithOffset(static_cast<int>(end)), text.eol() + line);
      else
        rewriter.InsertTextBefore(
            start.getLocWithOffset(static_cast<int>(rewrite::next_line(buffer, end))), line);
      return;
    }
    at = rewrite::next_line(buffer, end);
  }
  rewriter.InsertTextBefore(start.getLocWithOffset(static_cast<int>(first)), line);
}

} // namespace

std::string rewrite_source(clang::ASTContext &context, const std::vector<AnalyzedLoop> &loops,
                           std::vector<LoopRewrite> *results) {
  clang::SourceManager &sm = context.getSourceManager();
  clang::Rewriter rewriter(sm, context.getLangOpts());
  LoopRewriter loop_rewriter(context, rewriter);
  clang::DiagnosticsEngine &diags = context.getDiagnostics();
  std::vector<bool> parallel; // per loop so far: rewritten into an executor call
  for (const AnalyzedLoop &loop : loops) {
    LoopRewrite result;
    std::optional<Refused> refused;
    const int outer = loop.model->enclosing;
    if (outer >= 0 && static_cast<size_t>(outer) < parallel.size() && parallel[outer]) {
      // The executor of the enclosing loop runs this loop, as written, in each of its
      // iterations; its pragma becomes a comment.
      result.kept_serial = "the enclosing annotated loop runs in parallel";
      unsigned id = diags.getDiagnosticIDs()->getCustomDiagID(
          clang::DiagnosticIDs::Remark,
          "annotated loop ignored: the enclosing annotated loop runs in parallel");
      diags.Report(loop.model->pragma.location, id);
      loop_rewriter.keep_serial(*loop.model,
                                "weft: ignored: the enclosing annotated loop runs in parallel");
      parallel.push_back(false);
      if (results)
        results->push_back(result);
      continue;
    }
    if (loop.schedule->verdict == Verdict::Sequential) {
      refused = Refused{"its verdict is sequential"};
    } else {
      // rewrite() checks everything before its first edit: a refusal changes nothing.
      refused = loop_rewriter.rewrite(loop, &result.executor);
      if (!refused) {
        result.parallel = true;
      } else {
        result.executor.clear();
        result.kept_serial = refused->why;
        unsigned id = diags.getDiagnosticIDs()->getCustomDiagID(
            clang::DiagnosticIDs::Warning, "loop kept sequential: %0 (its verdict is %1)");
        diags.Report(loop.model->pragma.location, id)
            << refused->why << verdict_name(loop.schedule->verdict);
      }
    }
    if (refused)
      loop_rewriter.keep_serial(*loop.model,
                                loop.schedule->verdict == Verdict::Sequential
                                    ? "weft: sequential: " + loop.schedule->why
                                    : "weft: " + std::string(verdict_name(loop.schedule->verdict)) +
                                          ", but kept sequential: " + refused->why);
    parallel.push_back(result.parallel);
    if (results)
      results->push_back(result);
  }
  // A file with annotated loops becomes a parallel program even when every loop stays
  // sequential: it takes the runtime's --weft-* options and, under mpirun, prints once.
  if (!loops.empty()) {
    Text text(context);
    add_include(context, rewriter, text);
    add_session(context, rewriter, text);
  }
  clang::FileID main = sm.getMainFileID();
  if (const clang::RewriteBuffer *buffer = rewriter.getRewriteBufferFor(main))
    return std::string(buffer->begin(), buffer->end());
  return sm.getBufferData(main).str();
}

} // namespace weft
