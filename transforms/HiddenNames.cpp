//===- HiddenNames.cpp - Whether a name still denotes its declaration ---===//
//
// hiding_declaration() (HiddenNames.h). The declarations are found by walking the
// statements of the main file's declarations whose range contains the place, with the
// innermost statement that opens a scope.
//
//===----------------------------------------------------------------------===//

#include "HiddenNames.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"

#include <vector>

namespace weft {
namespace rewrite {
namespace {

using clang::SourceLocation;
using clang::SourceRange;

/// Whether `at` (an expansion location) lies in `r`.
bool contains(const clang::SourceManager &sm, SourceRange r, SourceLocation at) {
  return r.isValid() && !sm.isBeforeInTranslationUnit(at, sm.getExpansionLoc(r.getBegin())) &&
         !sm.isBeforeInTranslationUnit(sm.getExpansionLoc(r.getEnd()), at);
}

/// A local declaration and the range of the statement it is visible in (from its
/// location on).
struct Scoped {
  const clang::NamedDecl *decl;
  SourceRange scope;
};

class LocalDecls {
public:
  LocalDecls(const clang::SourceManager &sm, SourceLocation at) : sm_(sm), at_(at) {}

  /// Collects the locals of every declaration in `dc` (and nested) that contains `at`.
  void in_context(const clang::DeclContext *dc) {
    for (const clang::Decl *d : dc->decls()) {
      if (!contains(d->getSourceRange()))
        continue;
      if (const auto *fn = llvm::dyn_cast<clang::FunctionDecl>(d)) {
        function(fn);
      } else if (const auto *var = llvm::dyn_cast<clang::VarDecl>(d)) {
        if (var->getInit())
          walk(var->getInit(), SourceRange());
      } else if (const auto *inner = llvm::dyn_cast<clang::DeclContext>(d)) {
        in_context(inner); // namespaces, classes, linkage specifications
      }
    }
  }

  std::vector<Scoped> found;

private:
  bool contains(SourceRange r) const { return rewrite::contains(sm_, r, at_); }

  void function(const clang::FunctionDecl *fn) {
    if (!fn->getBody())
      return;
    const SourceRange body = fn->getBody()->getSourceRange();
    for (const clang::ParmVarDecl *p : fn->parameters())
      found.push_back({p, body});
    if (const auto *ctor = llvm::dyn_cast<clang::CXXConstructorDecl>(fn))
      for (const clang::CXXCtorInitializer *init : ctor->inits())
        walk(init->getInit(), SourceRange());
    walk(fn->getBody(), body);
  }

  void declare(const clang::Decl *d, SourceRange scope) {
    if (const auto *dd = llvm::dyn_cast<clang::DecompositionDecl>(d))
      for (const clang::BindingDecl *b : dd->bindings())
        found.push_back({b, scope});
    else if (const auto *var = llvm::dyn_cast<clang::VarDecl>(d))
      found.push_back({var, scope});
  }

  void walk(const clang::Stmt *s, SourceRange scope) {
    if (!s)
      return;
    if (const auto *ds = llvm::dyn_cast<clang::DeclStmt>(s))
      for (const clang::Decl *d : ds->decls())
        declare(d, scope);
    if (!contains(s->getSourceRange()))
      return; // nothing declared inside it is visible at `at`
    if (const auto *lambda = llvm::dyn_cast<clang::LambdaExpr>(s)) {
      for (const clang::Expr *init : lambda->capture_inits())
        walk(init, scope);
      if (const clang::CXXMethodDecl *call = lambda->getCallOperator())
        function(call);
      return;
    }
    if (llvm::isa<clang::CompoundStmt, clang::ForStmt, clang::CXXForRangeStmt, clang::IfStmt,
                  clang::WhileStmt, clang::SwitchStmt, clang::CXXCatchStmt>(s))
      scope = s->getSourceRange();
    if (const auto *handler = llvm::dyn_cast<clang::CXXCatchStmt>(s))
      if (const clang::VarDecl *e = handler->getExceptionDecl())
        found.push_back({e, scope});
    for (const clang::Stmt *child : s->children())
      walk(child, scope);
  }

  const clang::SourceManager &sm_;
  SourceLocation at_;
};

bool is_local(const clang::NamedDecl *d) {
  if (llvm::isa<clang::BindingDecl>(d))
    return true;
  const auto *var = llvm::dyn_cast<clang::VarDecl>(d);
  return var && var->isLocalVarDeclOrParm();
}

} // namespace

const clang::NamedDecl *hiding_declaration(clang::ASTContext &context, const clang::NamedDecl *d,
                                           SourceLocation at) {
  if (!d->getIdentifier())
    return nullptr;
  const clang::SourceManager &sm = context.getSourceManager();
  at = sm.getExpansionLoc(at);
  LocalDecls locals(sm, at);
  locals.in_context(context.getTranslationUnitDecl());
  const SourceLocation d_at = sm.getExpansionLoc(d->getLocation());
  for (const Scoped &s : locals.found) {
    if (s.decl == d || !s.decl->getIdentifier() || s.decl->getName() != d->getName())
      continue;
    const SourceLocation c_at = sm.getExpansionLoc(s.decl->getLocation());
    const bool visible = sm.isBeforeInTranslationUnit(c_at, at) && contains(sm, s.scope, at);
    if (visible && (!is_local(d) || sm.isBeforeInTranslationUnit(d_at, c_at)))
      return s.decl;
  }
  return nullptr;
}

} // namespace rewrite
} // namespace weft
