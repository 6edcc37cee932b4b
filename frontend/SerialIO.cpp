//===- SerialIO.cpp - Serial input and output that differ per process ----===//
//
// warn_serial_io(): the serial code of a parallel program runs on every process
// (docs/design.md, "Memory model"). Two kinds of its input and output do not behave as
// in the serial program, and weftc warns at each in the main file outside the annotated
// loops:
// - Appends. A file the serial code appends to gets each line once per process: a
//   training log written with fopen(path, "a") has twice the lines on 2 processes.
//   Standard output is shown from one process (--weft-output=root); files are not.
//     fopen / freopen with a literal mode that contains 'a'
//     std::ofstream / std::fstream constructed or opened with a mode naming 'app'
//     open with flags naming O_APPEND
//   Writes that replace a file ("w") leave one copy whatever the number of processes
//   and are not reported.
// - Reads of standard input. mpirun gives standard input to process 0 only; the others
//   read end of file, so a value read there (epochs, a learning rate, the data) differs
//   between processes, and the program computes what no serial run computes or waits
//   for a loop the others never start.
//     std::cin, std::wcin, stdin named anywhere (fgets(buf, n, stdin), std::getline(std::cin, s))
//     scanf, vscanf, getchar, getwchar (which read it implicitly)
//     read with the descriptor 0 or STDIN_FILENO
//
//===----------------------------------------------------------------------===//

#include "BuildLoopModel.h"
#include "ModelBuilder.h"

#include "clang/AST/RecursiveASTVisitor.h"

#include <set>

namespace weft {
namespace frontend {
namespace {

class SerialIOFinder : public RecursiveASTVisitor<SerialIOFinder> {
public:
  SerialIOFinder(ASTContext &ctx, const std::vector<LoopModel> &models)
      : ctx_(ctx), sm_(ctx.getSourceManager()), models_(models) {}

  bool VisitCallExpr(CallExpr *call) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!fd || !fd->getIdentifier())
      return true;
    const llvm::StringRef name = fd->getName();
    if ((name == "fopen" || name == "freopen") && call->getNumArgs() >= 2) {
      if (const auto *mode = dyn_cast<StringLiteral>(call->getArg(1)->IgnoreParenImpCasts()))
        if (mode->getString().contains('a'))
          warn_append(call, name.str() + " with mode \"" + mode->getString().str() + "\"");
    } else if (name == "open" && call->getNumArgs() >= 2 && fd->isExternC()) {
      if (text(call->getArg(1)).find("O_APPEND") != std::string::npos)
        warn_append(call, "open with O_APPEND");
    } else if ((name == "scanf" || name == "vscanf" || name == "getchar" || name == "getwchar") &&
               fd->isExternC()) {
      warn_input(call, name.str());
    } else if (name == "read" && call->getNumArgs() == 3 && fd->isExternC()) {
      const std::string fd_text = text(call->getArg(0));
      if (fd_text == "0" || fd_text == "STDIN_FILENO")
        warn_input(call, "read from descriptor " + fd_text);
    } else if (const auto *member = dyn_cast<CXXMemberCallExpr>(call)) {
      if (name == "open" && is_file_stream(member->getObjectType()) && call->getNumArgs() >= 2 &&
          text(call->getArg(1)).find("app") != std::string::npos)
        warn_append(call, class_name(member->getObjectType()) + "::open in append mode");
    }
    return true;
  }

  bool VisitCXXConstructExpr(CXXConstructExpr *construct) {
    if (is_file_stream(construct->getType()) && construct->getNumArgs() >= 2 &&
        !isa<CXXDefaultArgExpr>(construct->getArg(1)) &&
        text(construct->getArg(1)).find("app") != std::string::npos)
      warn_append(construct, class_name(construct->getType()) + " opened in append mode");
    return true;
  }

  bool VisitDeclRefExpr(DeclRefExpr *ref) {
    const auto *var = dyn_cast<VarDecl>(ref->getDecl());
    if (!var || !var->getIdentifier() || !var->hasExternalStorage())
      return true;
    const llvm::StringRef name = var->getName();
    if ((name == "cin" || name == "wcin") && var->isInStdNamespace())
      warn_input(ref, "std::" + name.str());
    else if (name == "stdin" && var->getDeclContext()->getRedeclContext()->isTranslationUnit())
      warn_input(ref, "stdin");
    return true;
  }

private:
  static bool is_file_stream(QualType type) {
    const std::string name = class_name(type.getNonReferenceType());
    return name == "std::basic_ofstream" || name == "std::basic_fstream";
  }

  std::string text(const Expr *e) const { return source_text(e->getSourceRange(), ctx_); }

  void warn_append(const Expr *e, const std::string &what) {
    warn(e,
         "every process of the parallel program runs this serial code, so each appends "
         "to the file (%0): it gets every line once per process; print to standard output "
         "instead (the parallel program shows one process's), or write the file whole",
         what);
  }

  void warn_input(const Expr *e, const std::string &what) {
    warn(e,
         "every process of the parallel program runs this serial code, but mpirun gives "
         "standard input to process 0 only (%0): the other processes read end of file, "
         "and their values differ; read the input from a file named on the command line",
         what);
  }

  void warn(const Expr *e, const char *message, const std::string &what) {
    const SourceLocation loc = sm_.getExpansionLoc(e->getBeginLoc());
    if (!sm_.isInMainFile(loc) || !warned_.insert(loc).second)
      return;
    for (const LoopModel &m : models_) // the loops' own calls are the model's business
      if (contains(m.range, loc, sm_))
        return;
    report(ctx_, loc, DiagnosticsEngine::Warning, message, {what}, e->getSourceRange());
  }

  ASTContext &ctx_;
  const SourceManager &sm_;
  const std::vector<LoopModel> &models_;
  std::set<SourceLocation> warned_; // one warning per place (a macro's expansion)
};

} // namespace
} // namespace frontend

void warn_serial_io(clang::ASTContext &context, const std::vector<LoopModel> &models) {
  if (models.empty())
    return; // a program without annotated loops stays serial
  frontend::SerialIOFinder finder(context, models);
  finder.TraverseDecl(context.getTranslationUnitDecl());
}

} // namespace weft
