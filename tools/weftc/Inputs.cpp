//===- Inputs.cpp - Checking weftc's input files before parsing them ------===//
#include "Inputs.h"

#include "clang/Driver/Types.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace weft {
namespace {

namespace types = clang::driver::types;

/// What LibTooling parses as C++: sources, headers and module interfaces (preprocessed
/// output, `.ii`, makes the clang driver build more than one job).
bool is_cxx_source(types::ID type) {
  return type == types::TY_CXX || type == types::TY_CXXHeader || type == types::TY_CXXModule;
}

/// The language of a file type, for a message.
std::string language_name(types::ID type) {
  switch (type) {
  case types::TY_C:
    return "C";
  case types::TY_CHeader:
    return "C headers";
  case types::TY_ObjC:
    return "Objective-C";
  case types::TY_ObjCXX:
    return "Objective-C++";
  case types::TY_CUDA:
    return "CUDA";
  case types::TY_HIP:
    return "HIP";
  case types::TY_PP_C:
    return "preprocessed C";
  case types::TY_PP_CXX:
    return "preprocessed C++";
  default:
    return types::getTypeName(type);
  }
}

/// The language the compile command names with -x (the last one), "" when none.
std::string explicit_language(const std::vector<std::string> &command) {
  std::string language;
  for (size_t i = 0; i < command.size(); ++i) {
    llvm::StringRef arg = command[i];
    if ((arg == "-x" || arg == "--language") && i + 1 < command.size())
      language = command[++i];
    else if (arg.startswith("--language="))
      language = arg.drop_front(std::strlen("--language=")).str();
    else if (arg.startswith("-x") && arg.size() > 2)
      language = arg.drop_front(2).str();
  }
  return language == "none" ? "" : language;
}

/// The reason `path` is not a readable file, "" when it is one.
std::string unreadable(const std::string &path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return errno == ENOENT ? "no such file: '" + path + "'"
                           : "cannot read '" + path + "': " + std::strerror(errno);
  if (S_ISDIR(st.st_mode))
    return "'" + path + "' is a directory, not a C++ file";
  if (!S_ISREG(st.st_mode))
    // A device or a pipe (/dev/stdin): opening or reading it here would take input from
    // the parse.
    return ::access(path.c_str(), R_OK) == 0
               ? ""
               : "cannot read '" + path + "': " + std::strerror(errno);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return "cannot read '" + path + "': " + std::strerror(errno);
  char byte;
  ssize_t got;
  do
    got = ::read(fd, &byte, 1);
  while (got < 0 && errno == EINTR);
  int error = got < 0 ? errno : 0;
  ::close(fd);
  if (error != 0)
    return "cannot read '" + path + "': " + std::strerror(error);
  return "";
}

/// The reason clang would not read `path` as C++, "" when it would.
std::string not_cxx(const std::string &path, const clang::tooling::CompilationDatabase &db) {
  std::vector<clang::tooling::CompileCommand> commands = db.getCompileCommands(path);
  // A file without a compile command: ClangTool says so.
  if (commands.empty())
    return "";
  std::string language = explicit_language(commands.front().CommandLine);
  if (!language.empty()) {
    if (is_cxx_source(types::lookupTypeForTypeSpecifier(language.c_str())))
      return "";
    return "'" + path + "' is compiled as '" + language + "' (-x " + language +
           "); weftc reads C++ only";
  }
  llvm::StringRef extension = llvm::sys::path::extension(path);
  types::ID type =
      extension.empty() ? types::TY_INVALID : types::lookupTypeForExtension(extension.drop_front());
  if (is_cxx_source(type))
    return "";
  std::string reason =
      extension.empty() ? "it has no extension, and clang compiles only files with one"
      : type == types::TY_INVALID
          ? "clang does not compile '" + extension.str() + "' files"
          : "clang reads '" + extension.str() + "' files as " + language_name(type);
  return "'" + path + "' is not a C++ file: " + reason +
         " (name it .cpp or .hpp, or give -x c++ in its compile command)";
}

} // namespace

bool check_inputs(const std::vector<std::string> &paths,
                  const clang::tooling::CompilationDatabase &db) {
  bool ok = true;
  for (const std::string &path : paths) {
    std::string problem = unreadable(path);
    if (problem.empty())
      problem = not_cxx(path, db);
    if (!problem.empty()) {
      llvm::errs() << "weftc: error: " << problem << "\n";
      ok = false;
    }
  }
  return ok;
}

} // namespace weft
