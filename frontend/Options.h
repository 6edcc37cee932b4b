//===- Options.h - weftc's options, in one place -------------------------===//
#ifndef WEFT_FRONTEND_OPTIONS_H
#define WEFT_FRONTEND_OPTIONS_H

#include <string>

namespace weft {

/// What weftc writes for each input file.
enum class Emit {
  Source, ///< the file with its annotated loops rewritten into runtime calls (transforms/)
  Model,  ///< the loop model of every annotated loop, as text (print_model)
  Report, ///< the verdict of every annotated loop, as JSON (write_report)
};

struct Options {
  Emit emit = Emit::Source;
  std::string output = "-"; ///< output path; "-" is standard output
  bool explain = false;     ///< a note with the verdict for every loop, not only warnings
  /// Directory holding weft/weft.h, added to every compilation with -I.
  std::string include_dir;
  /// Clang's resource directory (builtin headers such as stddef.h); a LibTooling tool
  /// does not find it on its own.
  std::string resource_dir;
  /// Bound on the isl operations spent on one loop's analysis: a loop that needs more
  /// ends sequential with a diagnostic instead of hanging the compiler.
  unsigned long isl_max_operations = 5000000;
  /// Bound on the loop dims of one statement (the dims of every level around it; a
  /// SparseArray level has one per key). isl counts only simplex pivots against
  /// isl_max_operations; its eliminations grow exponentially with the dims, so a loop
  /// with more stays sequential with a diagnostic before any isl object is built.
  unsigned max_loop_dims = 12;
};

} // namespace weft

#endif // WEFT_FRONTEND_OPTIONS_H
