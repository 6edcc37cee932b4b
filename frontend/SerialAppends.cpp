//===- SerialAppends.cpp - Files that every process appends to -----------===//
//
// warn_serial_appends(): the serial code of a parallel program runs on every process
// (docs/design.md, "Memory model"), so a file it appends to gets each line once per
// process: a training log written with fopen(path, "a") has twice the lines on 2
// processes. Standard output is shown from one process (--weft-output=root); files are
// not. For each append in the main file outside the annotated loops, weftc warns:
//   fopen / freopen with a literal mode that contains 'a'
//   std::ofstream / std::fstream constructed or opened with a mode naming 'app'
//   open with flags naming O_APPEND
// Writes that replace a file ("w") leave one copy whatever the number of processes and
// are not reported.
//
//===----------------------------------------------------------------------===//

#include "BuildLoopModel.h"
#include "ModelBuilder.h"

#include "clang/AST/RecursiveASTVisitor.h"

namespace weft {
namespace frontend {
namespace {

class AppendFinder : public RecursiveASTVisitor<AppendFinder> {
public:
  AppendFinder(ASTContext &ctx, const std::vector<LoopModel> &models)
      : ctx_(ctx), sm_(ctx.getSourceManager()), models_(models) {}

  bool VisitCallExpr(CallExpr *call) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!fd || !fd->getIdentifier())
      return true;
    const llvm::StringRef name = fd->getName();
    if ((name == "fopen" || name == "freopen") && call->getNumArgs() >= 2) {
      if (const auto *mode = dyn_cast<StringLiteral>(call->getArg(1)->IgnoreParenImpCasts()))
        if (mode->getString().contains('a'))
          warn(call, name.str() + " with mode \"" + mode->getString().str() + "\"");
    } else if (name == "open" && call->getNumArgs() >= 2 && fd->isExternC()) {
      if (text(call->getArg(1)).find("O_APPEND") != std::string::npos)
        warn(call, "open with O_APPEND");
    } else if (const auto *member = dyn_cast<CXXMemberCallExpr>(call)) {
      if (name == "open" && is_file_stream(member->getObjectType()) && call->getNumArgs() >= 2 &&
          text(call->getArg(1)).find("app") != std::string::npos)
        warn(call, class_name(member->getObjectType()) + "::open in append mode");
    }
    return true;
  }

  bool VisitCXXConstructExpr(CXXConstructExpr *construct) {
    if (is_file_stream(construct->getType()) && construct->getNumArgs() >= 2 &&
        !isa<CXXDefaultArgExpr>(construct->getArg(1)) &&
        text(construct->getArg(1)).find("app") != std::string::npos)
      warn(construct, class_name(construct->getType()) + " opened in append mode");
    return true;
  }

private:
  static bool is_file_stream(QualType type) {
    const std::string name = class_name(type.getNonReferenceType());
    return name == "std::basic_ofstream" || name == "std::basic_fstream";
  }

  std::string text(const Expr *e) const { return source_text(e->getSourceRange(), ctx_); }

  void warn(const Expr *e, const std::string &what) {
    const SourceLocation loc = sm_.getExpansionLoc(e->getBeginLoc());
    if (!sm_.isInMainFile(loc))
      return;
    for (const LoopModel &m : models_) // the loops' own calls are the model's business
      if (contains(m.range, loc, sm_))
        return;
    report(ctx_, loc, DiagnosticsEngine::Warning,
           "every process of the parallel program runs this serial code, so each appends "
           "to the file (%0): it gets every line once per process; print to standard output "
           "instead (the parallel program shows one process's), or write the file whole",
           {what}, e->getSourceRange());
  }

  ASTContext &ctx_;
  const SourceManager &sm_;
  const std::vector<LoopModel> &models_;
};

} // namespace
} // namespace frontend

void warn_serial_appends(clang::ASTContext &context, const std::vector<LoopModel> &models) {
  if (models.empty())
    return; // a program without annotated loops stays serial
  frontend::AppendFinder finder(context, models);
  finder.TraverseDecl(context.getTranslationUnitDecl());
}

} // namespace weft
