//===- LoopHeaders.cpp - Loop headers and bodies as executor lambdas -----===//
#include "LoopHeaders.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"

#include <algorithm>
#include <map>
#include <set>

namespace weft {
namespace rewrite {
namespace {

/// Parenthesizes `text` unless it is one token or already in parentheses.
std::string operand(const clang::Expr *e, const std::string &text) {
  const clang::Expr *bare = e->IgnoreImpCasts();
  if (llvm::isa<clang::DeclRefExpr, clang::IntegerLiteral, clang::ParenExpr, clang::CallExpr,
                clang::MemberExpr, clang::ArraySubscriptExpr>(bare))
    return text;
  return "(" + text + ")";
}

/// An index bound for weft::rt::IndexRange{...}: cast unless it converts to int64 without
/// narrowing (braces reject narrowing).
std::string index_bound(clang::ASTContext &context, const clang::Expr *e, const std::string &text) {
  clang::QualType t = e->IgnoreImpCasts()->getType();
  if (t->isSignedIntegerType() && context.getTypeSize(t) <= 64)
    return text;
  return "static_cast<std::int64_t>(" + text + ")";
}

/// The `continue` statements that continue the annotated loop (not a loop nested in
/// it, not inside a lambda).
class ContinueFinder : public clang::RecursiveASTVisitor<ContinueFinder> {
public:
  std::vector<const clang::ContinueStmt *> found;

  bool TraverseForStmt(clang::ForStmt *) { return true; }
  bool TraverseWhileStmt(clang::WhileStmt *) { return true; }
  bool TraverseDoStmt(clang::DoStmt *) { return true; }
  bool TraverseCXXForRangeStmt(clang::CXXForRangeStmt *) { return true; }
  bool TraverseLambdaExpr(clang::LambdaExpr *) { return true; }
  bool VisitContinueStmt(clang::ContinueStmt *s) {
    found.push_back(s);
    return true;
  }
};

class BreakFinder : public clang::RecursiveASTVisitor<BreakFinder> {
public:
  bool found = false;

  bool TraverseForStmt(clang::ForStmt *) { return true; }
  bool TraverseWhileStmt(clang::WhileStmt *) { return true; }
  bool TraverseDoStmt(clang::DoStmt *) { return true; }
  bool TraverseCXXForRangeStmt(clang::CXXForRangeStmt *) { return true; }
  bool TraverseSwitchStmt(clang::SwitchStmt *) { return true; }
  bool TraverseLambdaExpr(clang::LambdaExpr *) { return true; }
  bool VisitBreakStmt(clang::BreakStmt *) {
    found = true;
    return false;
  }
};

/// Local variables of the enclosing function that the loop body reads only by value.
class ValueReads : public clang::RecursiveASTVisitor<ValueReads> {
public:
  std::map<const clang::VarDecl *, std::pair<unsigned, unsigned>> uses; ///< all, by value

  std::set<const clang::BindingDecl *> bindings; ///< structured bindings named

  bool VisitDeclRefExpr(clang::DeclRefExpr *ref) {
    if (const auto *var = llvm::dyn_cast<clang::VarDecl>(ref->getDecl()))
      ++uses[var].first;
    if (const auto *binding = llvm::dyn_cast<clang::BindingDecl>(ref->getDecl()))
      bindings.insert(binding);
    return true;
  }
  bool VisitImplicitCastExpr(clang::ImplicitCastExpr *cast) {
    if (cast->getCastKind() == clang::CK_LValueToRValue)
      if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(cast->getSubExpr()->IgnoreParens()))
        if (const auto *var = llvm::dyn_cast<clang::VarDecl>(ref->getDecl()))
          ++uses[var].second;
    return true;
  }
};

} // namespace

bool mentions(const clang::Stmt *s, const clang::ValueDecl *var) {
  if (!s)
    return false;
  if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(s))
    if (ref->getDecl() == var)
      return true;
  for (const clang::Stmt *child : s->children())
    if (mentions(child, var))
      return true;
  return false;
}

/// `for (<decl> : R)` over a weft::SparseArray.
std::variant<Header, Refused> sparse_header(const clang::CXXForRangeStmt *loop, const Text &text) {
  Header h;
  h.body = loop->getBody();
  h.range = text.of(loop->getRangeInit());
  const clang::VarDecl *var = loop->getLoopVariable();
  SourceRange decl_range(var->getBeginLoc(), var->getLocation());
  if (const auto *binding = llvm::dyn_cast<clang::DecompositionDecl>(var)) {
    // [&](const auto& weft_entry) { const auto& [key, value] = weft_entry; ...
    const clang::BindingDecl *last = binding->bindings().back();
    std::string spelled = text.of(SourceRange(binding->getBeginLoc(), last->getLocation()));
    bool used = false;
    for (const clang::BindingDecl *b : binding->bindings())
      used = used || mentions(h.body, b);
    h.param = "const auto& weft_entry";
    h.prologue = std::string(used ? " " : " [[maybe_unused]] ") + spelled + "] = weft_entry;";
    return h;
  }
  h.var = var;
  h.param = text.of(decl_range);
  // A loop judged parallel only reads its entry, and the executors hand the body a const
  // entry (or one rebuilt from a packed plan): a reference to non-const becomes one to
  // const, which still compiles.
  if (const auto *ref = var->getType()->getAs<clang::LValueReferenceType>())
    if (!ref->getPointeeType().isConstQualified())
      h.param = "const " + h.param;
  // -Wunused-parameter would flag a body that never names the entry.
  if (!mentions(h.body, var))
    h.param = "[[maybe_unused]] " + h.param;
  return h;
}

/// `for (T i = first; i < end; ++i)` and the forms with <=, >, >=, != and steps of -1,
/// from what the loop model recorded of the header.
std::variant<Header, Refused> counted_header(clang::ASTContext &context, const LoopLevel &level,
                                             const Text &text) {
  const auto *loop = llvm::dyn_cast_or_null<clang::ForStmt>(level.stmt);
  if (level.kind != LevelKind::Counted || !loop || !level.var_decl || !level.first)
    return Refused{"the runtime runs loops over a weft::SparseArray or counted loops only"};
  Header h;
  h.body = loop->getBody();
  if (!level.declared_in_header)
    return Refused{"its loop variable is not declared in the loop header (the value it has "
                   "after the loop would change)"};
  const clang::VarDecl *var = level.var_decl;
  h.var = var;
  h.declaration = text.of(SourceRange(var->getBeginLoc(), var->getLocation()));
  h.param = h.declaration;
  const bool used = mentions(h.body, var);
  if (!used)
    h.param = "[[maybe_unused]] " + h.param;

  // The step (the model takes ++i, --i, i += c, i -= c, i = i + c with a constant c);
  // a step that does not fit 32 bits would overflow the executor's arithmetic.
  const int64_t step = level.step;
  if (step == 0 || step > INT32_MAX || step < -INT32_MAX)
    return Refused{"its step is not a constant (i += c, ++i, --i)"};
  h.step = step;

  if (!level.bound)
    return Refused{"its condition is not a comparison of the loop variable with a bound"};
  const clang::Expr *bound = level.bound;
  const Comparison op = level.comparison;
  const clang::Expr *first = level.first;
  std::string first_text = index_bound(context, first, text.of(first));
  std::string bound_text = index_bound(context, bound, text.of(bound));
  auto plus_one = [&](const clang::Expr *e, const std::string &t) {
    return operand(e, t) + " + 1";
  };
  auto minus_one = [&](const clang::Expr *e, const std::string &t) {
    return operand(e, t) + " - 1";
  };
  // The values the loop variable takes are  first + step * n  for 0 <= n < trips; with
  // step 1 (or -1) they are the range itself.
  std::string limit; // exclusive, in the direction of the step
  if (step > 0 && (op == Comparison::Less || (op == Comparison::NotEqual && step == 1)))
    limit = bound_text;
  else if (step > 0 && op == Comparison::LessEqual)
    limit = plus_one(bound, bound_text);
  else if (step < 0 && (op == Comparison::Greater || (op == Comparison::NotEqual && step == -1)))
    limit = bound_text;
  else if (step < 0 && op == Comparison::GreaterEqual)
    limit = minus_one(bound, bound_text);
  else
    return Refused{"its condition does not bound the loop variable in the direction it steps"};
  if (step == 1) {
    h.begin = first_text, h.end = limit;
  } else if (step == -1) {
    // The same values in ascending order: the unordered executors run them in any order,
    // the wavefront in descending order (its Order::Descending).
    h.begin = op == Comparison::GreaterEqual ? bound_text : plus_one(bound, bound_text);
    h.end = plus_one(first, first_text);
  } else {
    h.begin = "0";
    h.end = "weft::rt::trip_count(" + first_text + ", " + limit + ", " + std::to_string(step) + ")";
    const std::string type = var->getType().getAsString(context.getPrintingPolicy());
    h.prologue = std::string(used ? " const " : " [[maybe_unused]] const ") + type + " " +
                 var->getName().str() + " = static_cast<" + type + ">(" +
                 operand(first, first_text) + " + " + std::to_string(step) + " * weft_n);";
    h.param = "std::int64_t weft_n";
    h.strided = true;
  }
  h.range = "weft::rt::IndexRange{" + h.begin + ", " + h.end + "}";
  return h;
}

std::vector<const clang::ContinueStmt *> continues_of(const clang::Stmt *body) {
  ContinueFinder finder;
  finder.TraverseStmt(const_cast<clang::Stmt *>(body));
  return finder.found;
}

bool breaks_out_of(const clang::Stmt *body) {
  BreakFinder finder;
  finder.TraverseStmt(const_cast<clang::Stmt *>(body));
  return finder.found;
}

std::string captures(clang::ASTContext &context, const LoopModel &m, const clang::Stmt *body) {
  ValueReads reads;
  reads.TraverseStmt(const_cast<clang::Stmt *>(body));
  const clang::SourceManager &sm = context.getSourceManager();
  std::vector<std::string> copies;
  for (const auto &[var, counts] : reads.uses) {
    if (counts.first != counts.second || !var->hasLocalStorage() || var->getName().empty() ||
        !var->getType()->isArithmeticType() || var->isUsableInConstantExpressions(context) ||
        llvm::isa<clang::DecompositionDecl, clang::BindingDecl>(var))
      continue;
    // Declared outside the loop.
    if (!sm.isBeforeInTranslationUnit(var->getLocation(), m.range.getBegin()))
      continue;
    copies.push_back(var->getName().str());
  }
  // A lambda cannot capture a structured binding before C++20 (clang 14 not even then):
  // one declared before the loop is named through a reference of the lambda's own,
  // initialized from it, which reads and writes the same object.
  for (const clang::BindingDecl *binding : reads.bindings) {
    if (binding->getName().empty() ||
        !sm.isBeforeInTranslationUnit(binding->getLocation(), m.range.getBegin()))
      continue;
    const std::string name = binding->getName().str();
    copies.push_back("&" + name + " = " + name);
  }
  std::sort(copies.begin(), copies.end());
  std::string out = "&";
  for (const std::string &name : copies)
    out += ", " + name;
  return out;
}

const clang::ForStmt *sole_inner_for(const clang::Stmt *body) {
  if (const auto *inner = llvm::dyn_cast<clang::ForStmt>(body))
    return inner;
  if (const auto *block = llvm::dyn_cast<clang::CompoundStmt>(body))
    if (block->size() == 1)
      return llvm::dyn_cast<clang::ForStmt>(block->body_front());
  return nullptr;
}

} // namespace rewrite
} // namespace weft
