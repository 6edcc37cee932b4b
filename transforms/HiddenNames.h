//===- HiddenNames.h - Whether a name still denotes its declaration -----===//
//
// The rewrite writes, before a loop, the names the loop's arrays were written with
// (`W`, `model.W`). Written there, a name denotes the declaration the loop meant only if
// no declaration between them hides it: `auto &w = W; { DistArray W(...); loop on w }`
// would make a footprint `.write(W)` name the inner array.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_TRANSFORMS_HIDDENNAMES_H
#define WEFT_TRANSFORMS_HIDDENNAMES_H

#include "clang/AST/ASTContext.h"

namespace weft {
namespace rewrite {

/// A declaration that hides `d` at `at`, or nullptr. It is a local variable, parameter or
/// structured binding of the main file with `d`'s name, other than `d`, visible at `at`
/// (declared before `at` in a statement whose range contains `at`: a block, a for, if,
/// while or switch statement, a catch handler, a lambda's body), and inner to `d`: `d`
/// is no local variable, parameter or binding (a field, a global), or is declared
/// before it (two visible locals of one name lie in nested scopes, and the later is the
/// inner one).
const clang::NamedDecl *hiding_declaration(clang::ASTContext &context, const clang::NamedDecl *d,
                                           clang::SourceLocation at);

} // namespace rewrite
} // namespace weft

#endif
