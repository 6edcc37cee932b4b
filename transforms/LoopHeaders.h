//===- LoopHeaders.h - Loop headers and bodies as executor lambdas -------===//
//
// The parts of an executor call that come from the loop's own text: the lambda's
// parameter and first statements for each loop header (a range-for over a SparseArray,
// a counted loop), the range the executor covers, the lambda's captures, and the jumps
// of the body that the lambda must change (`continue`) or cannot keep (`break` of the
// loop around it).
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_TRANSFORMS_LOOPHEADERS_H
#define WEFT_TRANSFORMS_LOOPHEADERS_H

#include "LoopModel.h"
#include "SourceText.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Stmt.h"
#include "clang/AST/StmtCXX.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace weft {
namespace rewrite {

/// The loop header of one level, as the lambda's parameter and the range it covers.
struct Header {
  std::string param;       ///< "const auto& e", "int64_t i"
  std::string declaration; ///< counted levels: the loop variable's declaration, "int64_t i"
  std::string prologue;    ///< first statements of the lambda body (structured bindings)
  std::string range;       ///< "R" or "weft::rt::IndexRange{0, n}"
  std::string begin, end;  ///< counted levels: the bounds of IndexRange, end exclusive
  const clang::VarDecl *var = nullptr;
  const clang::Stmt *body = nullptr;
  int64_t step = 1; ///< counted levels: the loop variable's step (-1: [begin, end) runs down)
  /// The executor's index is not the loop variable (a step other than 1 or -1): it does
  /// not name the rows the loop touches.
  bool strided = false;
};

/// Whether `s` names `var` anywhere.
bool mentions(const clang::Stmt *s, const clang::ValueDecl *var);

/// `for (<decl> : R)` over a weft::SparseArray.
std::variant<Header, Refused> sparse_header(const clang::CXXForRangeStmt *loop, const Text &text);

/// `for (T i = first; i < end; ++i)` and the forms with <=, >, >=, != and steps of -1,
/// from the facts the loop model recorded of a Counted level's header (its variable,
/// first value, bound and comparison); the header is not parsed again.
std::variant<Header, Refused> counted_header(clang::ASTContext &context, const LoopLevel &level,
                                             const Text &text);

/// The `continue` statements that continue the loop whose body is `body` (not a loop
/// nested in it, not inside a lambda).
std::vector<const clang::ContinueStmt *> continues_of(const clang::Stmt *body);

/// Whether a `break` in `body` leaves the loop around it (not a loop or switch nested in
/// it, not inside a lambda).
bool breaks_out_of(const clang::Stmt *body);

/// The lambda's captures: everything by reference, except the arithmetic locals of the
/// enclosing function that the loop only reads by value, which are copied. A scalar
/// captured by reference is read through a pointer that every store to a float or int
/// array may alias, so the compiler reloads it after each store and may not vectorize
/// the loops around it; a copy stays in a register, as in the serial loop. A copy is
/// the same value: nothing writes the variable while the loop runs. (Variables usable
/// in constant expressions need no capture, and capturing them would stop them being
/// constants.)
std::string captures(clang::ASTContext &context, const LoopModel &m, const clang::Stmt *body);

/// The counted loop directly inside `body` and nothing else, or null.
const clang::ForStmt *sole_inner_for(const clang::Stmt *body);

} // namespace rewrite
} // namespace weft

#endif // WEFT_TRANSFORMS_LOOPHEADERS_H
