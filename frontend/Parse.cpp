//===- Parse.cpp - Parsing annotated source files with clang -------------===//

#include "Parse.h"

#include "Pragmas.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"

namespace weft {

namespace {

/// Prints diagnostics clang-style on stderr, as clang's own printer does, and counts
/// the errors, those about the compile command included: clang's tooling prints an
/// error such as "-std=c11 not allowed with C++" and then compiles the file anyway,
/// and such a file must fail like one with an error in its code.
class CountingPrinter : public clang::DiagnosticConsumer {
public:
  CountingPrinter() : options_(new clang::DiagnosticOptions), printer_(llvm::errs(), &*options_) {}

  void BeginSourceFile(const clang::LangOptions &lang, const clang::Preprocessor *pp) override {
    in_file_ = true;
    printer_.BeginSourceFile(lang, pp);
  }
  void EndSourceFile() override {
    printer_.EndSourceFile();
    in_file_ = false;
  }
  void HandleDiagnostic(clang::DiagnosticsEngine::Level level,
                        const clang::Diagnostic &info) override {
    DiagnosticConsumer::HandleDiagnostic(level, info); // counts
    if (in_file_) {
      printer_.HandleDiagnostic(level, info);
      return;
    }
    // About the command line, before any file: the printer needs a language.
    printer_.BeginSourceFile(clang::LangOptions(), nullptr);
    printer_.HandleDiagnostic(level, info);
    printer_.EndSourceFile();
  }

private:
  llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> options_;
  clang::TextDiagnosticPrinter printer_;
  bool in_file_ = false;
};

class PipelineConsumer : public clang::ASTConsumer {
public:
  PipelineConsumer(clang::CompilerInstance &ci, std::string path,
                   const std::vector<Pragma> &pragmas, const unsigned &pragma_errors,
                   unsigned errors_before, llvm::function_ref<bool(ParsedFile &)> per_file,
                   bool &ok)
      : ci_(ci), path_(std::move(path)), pragmas_(pragmas), pragma_errors_(pragma_errors),
        errors_before_(errors_before), per_file_(per_file), ok_(ok) {}

  void HandleTranslationUnit(clang::ASTContext &context) override {
    // A file with C++ errors has an incomplete AST: nothing is built from it. Malformed
    // pragmas were dropped already; the well-formed ones are still checked, so that one
    // run reports every weft error. The client counts the errors of every file so far.
    clang::DiagnosticConsumer *client = context.getDiagnostics().getClient();
    const unsigned errors = client->getNumErrors() - errors_before_;
    if (errors > pragma_errors_) {
      ok_ = false;
      return;
    }
    ParsedFile file{path_, ci_, context, pragmas_};
    if (!per_file_(file) || client->getNumErrors() > errors_before_)
      ok_ = false;
  }

private:
  clang::CompilerInstance &ci_;
  std::string path_;
  const std::vector<Pragma> &pragmas_;
  const unsigned &pragma_errors_;
  unsigned errors_before_; ///< the client's error count when this file began
  llvm::function_ref<bool(ParsedFile &)> per_file_;
  bool &ok_;
};

class PipelineAction : public clang::ASTFrontendAction {
public:
  PipelineAction(llvm::function_ref<bool(ParsedFile &)> per_file, bool &ok)
      : per_file_(per_file), ok_(ok) {}

  bool BeginSourceFileAction(clang::CompilerInstance &ci) override {
    pragmas_.clear();
    pragma_errors_ = 0;
    errors_before_ = ci.getDiagnostics().getClient()->getNumErrors();
    // The preprocessor owns its handlers.
    ci.getPreprocessor().AddPragmaHandler(new WeftPragmaHandler(pragmas_, pragma_errors_));
    return true;
  }

  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &ci,
                                                        llvm::StringRef file) override {
    return std::make_unique<PipelineConsumer>(ci, file.str(), pragmas_, pragma_errors_,
                                              errors_before_, per_file_, ok_);
  }

private:
  llvm::function_ref<bool(ParsedFile &)> per_file_;
  bool &ok_;
  std::vector<Pragma> pragmas_;
  unsigned pragma_errors_ = 0;
  unsigned errors_before_ = 0;
};

class PipelineActionFactory : public clang::tooling::FrontendActionFactory {
public:
  PipelineActionFactory(llvm::function_ref<bool(ParsedFile &)> per_file, bool &ok)
      : per_file_(per_file), ok_(ok) {}
  std::unique_ptr<clang::FrontendAction> create() override {
    return std::make_unique<PipelineAction>(per_file_, ok_);
  }

private:
  llvm::function_ref<bool(ParsedFile &)> per_file_;
  bool &ok_;
};

} // namespace

bool parse_files(const clang::tooling::CompilationDatabase &db,
                 const std::vector<std::string> &files, const Options &options,
                 llvm::function_ref<bool(ParsedFile &)> per_file) {
  using namespace clang::tooling;
  ClangTool tool(db, files);
  tool.appendArgumentsAdjuster(getInsertArgumentAdjuster(
      {"-std=c++17", "-resource-dir=" + options.resource_dir}, ArgumentInsertPosition::BEGIN));
  tool.appendArgumentsAdjuster(
      getInsertArgumentAdjuster({"-I" + options.include_dir}, ArgumentInsertPosition::END));
  CountingPrinter diagnostics;
  tool.setDiagnosticConsumer(&diagnostics);
  bool ok = true;
  PipelineActionFactory factory(per_file, ok);
  int status = tool.run(&factory);
  return ok && status == 0 && diagnostics.getNumErrors() == 0;
}

} // namespace weft
