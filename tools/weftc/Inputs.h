//===- Inputs.h - Checking weftc's input files before parsing them --------===//
//
// clang says only "error reading '<file>'" for an unreadable input, and for a directory
// or a file it does not read as C++ ("in.c", "notes.txt") it either fails with a message
// about compiler jobs or parses the file as another language. weftc checks each input
// first and names the reason in one line:
//   weftc: error: no such file: 'x.cpp'
//   weftc: error: cannot read 'x.cpp': Permission denied
//   weftc: error: 'src' is a directory, not a C++ file
//   weftc: error: 'x.c' is not a C++ file: clang reads '.c' files as c (rename it, or ...)
//   weftc: error: 'x.cpp' is compiled as 'c' (-x c); weftc reads C++ only
// C++ is what clang compiles as C++ source or header (.cpp .cc .cxx .c++ .cp .C .CPP,
// .hpp .hh .hxx .h++ .H .hp .tcc, .cppm), or any file with `-x c++` (or c++-header) in
// its compile command.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_TOOLS_WEFTC_INPUTS_H
#define WEFT_TOOLS_WEFTC_INPUTS_H

#include <string>
#include <vector>

namespace clang {
namespace tooling {
class CompilationDatabase;
}
} // namespace clang

namespace weft {

/// Checks every input as above; prints a diagnostic for each that fails. Returns false
/// when one did.
bool check_inputs(const std::vector<std::string> &paths,
                  const clang::tooling::CompilationDatabase &db);

} // namespace weft

#endif // WEFT_TOOLS_WEFTC_INPUTS_H
