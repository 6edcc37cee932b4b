//===- Parse.h - Parsing annotated source files with clang ---------------===//
#ifndef WEFT_FRONTEND_PARSE_H
#define WEFT_FRONTEND_PARSE_H

#include "LoopModel.h"
#include "Options.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>
#include <vector>

namespace clang {
class ASTContext;
class CompilerInstance;
namespace tooling {
class CompilationDatabase;
}
} // namespace clang

namespace weft {

/// One parsed translation unit; valid only during the callback of parse_files.
struct ParsedFile {
  std::string path;
  clang::CompilerInstance &compiler;
  clang::ASTContext &context;
  const std::vector<Pragma> &pragmas; ///< well-formed `#pragma weft`s, in source order
};

/// Parses each file with its arguments from `db`, plus -std=c++17 (first, so the file's
/// own -std wins), clang's resource directory and weft's include directory, and calls
/// `per_file` on each AST that parsed without errors. Returns false when a file failed
/// to parse, a pragma was malformed, or `per_file` returned false; diagnostics are
/// printed clang-style on stderr.
bool parse_files(const clang::tooling::CompilationDatabase &db,
                 const std::vector<std::string> &files, const Options &options,
                 llvm::function_ref<bool(ParsedFile &)> per_file);

} // namespace weft

#endif // WEFT_FRONTEND_PARSE_H
