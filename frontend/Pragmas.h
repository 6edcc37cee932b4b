//===- Pragmas.h - Recording `#pragma weft` directives --------------------===//
//
// A clang PragmaHandler for the `weft` namespace. It checks each directive's syntax
// (`parallel_for [ordered]`, `pipeline`) as the preprocessor meets it, reports errors at
// the offending token, and records the well-formed ones; attaching them to loops happens
// later, on the AST (build_loop_models).
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_FRONTEND_PRAGMAS_H
#define WEFT_FRONTEND_PRAGMAS_H

#include "LoopModel.h"

#include "clang/Lex/Pragma.h"

#include <vector>

namespace weft {

class WeftPragmaHandler : public clang::PragmaHandler {
public:
  /// Well-formed pragmas are appended to `pragmas` in source order; each malformed one
  /// is reported and counted in `errors`.
  WeftPragmaHandler(std::vector<Pragma> &pragmas, unsigned &errors)
      : clang::PragmaHandler("weft"), pragmas_(pragmas), errors_(errors) {}

  void HandlePragma(clang::Preprocessor &pp, clang::PragmaIntroducer introducer,
                    clang::Token &first) override;

private:
  std::vector<Pragma> &pragmas_;
  unsigned &errors_;
};

} // namespace weft

#endif // WEFT_FRONTEND_PRAGMAS_H
