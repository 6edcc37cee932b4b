//===- Options.h - weftc's options, in one place -------------------------===//
#ifndef WEFT_FRONTEND_OPTIONS_H
#define WEFT_FRONTEND_OPTIONS_H

#include <string>

namespace weft {

/// What weftc writes for each input file.
enum class Emit {
  Model, ///< the loop model of every annotated loop, as text (print_model)
};

struct Options {
  Emit emit = Emit::Model;
  std::string output = "-"; ///< output path; "-" is standard output
  /// Directory holding weft/weft.h, added to every compilation with -I.
  std::string include_dir;
  /// Clang's resource directory (builtin headers such as stddef.h); a LibTooling tool
  /// does not find it on its own.
  std::string resource_dir;
};

} // namespace weft

#endif // WEFT_FRONTEND_OPTIONS_H
