//===- Uses.cpp - Which variables a loop may write: the fail-closed pre-scan ---===//
//
// Before the model is built, every use of every variable in the annotated loop is
// classified by what encloses it. A use is a *read* only when its value is loaded
// (an lvalue-to-rvalue conversion), when it is bound to a const reference parameter or
// copied by a constructor taking one, or when it is an unevaluated operand (sizeof).
// Every other use may write the variable: an assignment, ++/--, taking its address,
// binding a non-const reference to it (a parameter, a local reference, a by-reference
// capture), a cast of the lvalue, or any construct not in this list. A reference bound
// to a variable carries its writes to that variable (to a fixpoint).
//
// The same classification over the whole enclosing function finds the variables whose
// address or reference escapes anywhere: such a variable may be written through the
// alias inside the loop, so it is never a parameter nor a loop invariant.
//
// Objects (class types) are "reshaped" by any use that may change more than their
// elements: a non-const method other than element access, an assignment, a non-const
// reference binding; their size and shape are then not parameters.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

namespace weft {
namespace frontend {

namespace {

/// How many enclosing expressions classify_use follows from one use.
constexpr unsigned kMaxUseSteps = 256;

bool is_element_access(const CXXMethodDecl *md) {
  static const std::set<std::string> element_access = {"operator[]", "operator()", "at", "front",
                                                       "back"};
  return md && element_access.count(md->getNameAsString());
}

bool binds_to_const_reference(QualType param) {
  return param->isLValueReferenceType() && param.getNonReferenceType().isConstQualified();
}

/// The parameter type that argument `index` of `call` binds to; null for variadic ones.
QualType parameter_type(const Expr *call, unsigned index) {
  const FunctionDecl *fd = nullptr;
  unsigned first = 0;
  if (const auto *c = dyn_cast<CallExpr>(call)) {
    fd = c->getDirectCallee();
    if (isa<CXXOperatorCallExpr>(c) && fd && isa<CXXMethodDecl>(fd))
      first = 1; // the object is argument 0
  } else if (const auto *c = dyn_cast<CXXConstructExpr>(call)) {
    fd = c->getConstructor();
  }
  if (!fd || index < first || index - first >= fd->getNumParams())
    return QualType();
  return fd->getParamDecl(index - first)->getType();
}

UseKind writes(bool reshape) {
  UseKind k;
  k.write = true;
  k.reshape = reshape;
  return k;
}

} // namespace

UseKind classify_use(const Expr *use, const std::vector<const Stmt *> &ancestors) {
  UseKind k;
  bool element = false; // the use has narrowed to an element or field of the object
  const Stmt *child = use;
  unsigned steps = 0;
  for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) {
    const Stmt *p = *it;
    // The use passes through at most kMaxUseSteps parentheses, conditionals, commas,
    // fields and element accesses before weft decides; past that it may write (every
    // use of a deep chain would otherwise walk the whole chain).
    if (++steps > kMaxUseSteps)
      return writes(!element);
    const Stmt *above = it + 1 != ancestors.rend() ? *(it + 1) : nullptr;
    if (isa<ParenExpr>(p)) {
      child = p;
      continue;
    }
    if (const auto *cast = dyn_cast<ImplicitCastExpr>(p)) {
      switch (cast->getCastKind()) {
      case CK_LValueToRValue:
        return k; // the value is loaded: a read
      case CK_NoOp:
      case CK_DerivedToBase:
      case CK_UncheckedDerivedToBase:
        child = p; // the same object under another type
        continue;
      case CK_ArrayToPointerDecay:
        // a[i] on a C array: the use continues at the element.
        if (const auto *as = dyn_cast_or_null<ArraySubscriptExpr>(above);
            as && as->getBase()->IgnoreParens() == p) {
          element = true;
          child = as;
          ++it;
          continue;
        }
        return writes(!element);
      default:
        return writes(!element);
      }
    }
    if (isa<UnaryExprOrTypeTraitExpr>(p))
      return k; // sizeof, alignof: unevaluated
    if (const auto *c = dyn_cast<AbstractConditionalOperator>(p)) {
      if (c->getCond() == child)
        return k;
      child = p; // c ? x : y as an lvalue: the use continues at the result
      continue;
    }
    if (const auto *b = dyn_cast<BinaryOperator>(p); b && b->getOpcode() == BO_Comma) {
      if (b->getLHS() == child)
        return k; // a discarded value
      child = p;
      continue;
    }
    if (const auto *member = dyn_cast<MemberExpr>(p)) {
      if (member->getBase() != child)
        return writes(!element);
      const auto *md = dyn_cast<CXXMethodDecl>(member->getMemberDecl());
      if (!md) { // a field: the use continues at the field
        element = true;
        child = p;
        continue;
      }
      if (md->isStatic())
        return k;
      if (is_element_access(md) && above && isa<CXXMemberCallExpr>(above)) {
        element = true; // v.at(i), v.front(): the use continues at the element
        child = above;
        ++it;
        continue;
      }
      if (md->isConst())
        return k;
      return writes(!element);
    }
    if (const auto *op = dyn_cast<CXXOperatorCallExpr>(p)) {
      if (op->getNumArgs() > 0 && op->getArg(0) == child) {
        const auto *md = dyn_cast_or_null<CXXMethodDecl>(op->getDirectCallee());
        if (md && is_element_access(md)) {
          element = true; // v[i], A(i, j): the use continues at the element
          child = p;
          continue;
        }
        if (md && md->isConst())
          return k;
        if (md)
          return writes(!element || op->isAssignmentOp());
      }
      // an argument, or the object of a non-member operator: by its parameter type
    }
    if (isa<CallExpr>(p) || isa<CXXConstructExpr>(p)) {
      unsigned n = isa<CallExpr>(p) ? cast<CallExpr>(p)->getNumArgs()
                                    : cast<CXXConstructExpr>(p)->getNumArgs();
      for (unsigned i = 0; i < n; ++i) {
        const Expr *arg =
            isa<CallExpr>(p) ? cast<CallExpr>(p)->getArg(i) : cast<CXXConstructExpr>(p)->getArg(i);
        if (arg != child)
          continue;
        QualType t = parameter_type(cast<Expr>(p), i);
        if (!t.isNull() && binds_to_const_reference(t))
          return k;
      }
      return writes(!element); // a non-const reference, the callee, or variadic
    }
    if (const auto *ds = dyn_cast<DeclStmt>(p)) {
      // The initializer of a declared variable: a reference binds to the variable.
      for (const Decl *d : ds->decls())
        if (const auto *vd = dyn_cast<VarDecl>(d))
          if (vd->getInit() && vd->getInit()->IgnoreParens() == child &&
              vd->getType()->isReferenceType()) {
            if (element)
              return writes(false); // a reference to an element: writes go through it
            k.binds = vd;
            return k;
          }
      return writes(!element);
    }
    // An assignment, ++/--, &x, an explicit cast of the lvalue, a by-reference capture,
    // a conditional lvalue, a return by reference, or anything else: may write.
    return writes(!element);
  }
  return writes(!element);
}

void walk_with_ancestors(
    const Stmt *root,
    llvm::function_ref<void(const Stmt *, const std::vector<const Stmt *> &)> fn) {
  struct Frame {
    const Stmt *s;
    bool exit;
  };
  std::vector<Frame> work{{root, false}};
  std::vector<const Stmt *> ancestors;
  std::vector<const Stmt *> children;
  while (!work.empty()) {
    Frame f = work.back();
    work.pop_back();
    if (f.exit) {
      ancestors.pop_back();
      continue;
    }
    fn(f.s, ancestors);
    work.push_back({f.s, true});
    ancestors.push_back(f.s);
    children.clear();
    for (const Stmt *c : f.s->children())
      if (c)
        children.push_back(c);
    if (const auto *ds = dyn_cast<DeclStmt>(f.s)) // what structured bindings name
      for (const Decl *d : ds->decls())
        if (const auto *dd = dyn_cast<DecompositionDecl>(d))
          for (const BindingDecl *b : dd->bindings())
            if (b->getBinding())
              children.push_back(b->getBinding());
    // A default argument or default member initializer is evaluated where it is used.
    if (const auto *def = dyn_cast<CXXDefaultArgExpr>(f.s); def && def->getExpr())
      children.push_back(def->getExpr());
    if (const auto *def = dyn_cast<CXXDefaultInitExpr>(f.s); def && def->getExpr())
      children.push_back(def->getExpr());
    if (const auto *list = dyn_cast<InitListExpr>(f.s); list && list->hasArrayFiller())
      children.push_back(list->getArrayFiller());
    for (auto it = children.rbegin(); it != children.rend(); ++it)
      work.push_back({*it, false});
  }
}

namespace {

/// Walks `root` without recursion (bodies may nest deeply) and classifies every use
/// of a variable. `by` receives the expression that may write (for messages).
struct UseScan {
  std::map<const VarDecl *, std::vector<const Expr *>> writes;
  std::set<const VarDecl *> reshaped;
  std::map<const VarDecl *, std::vector<const VarDecl *>> bound_by; ///< v -> references to v

  void run(const Stmt *root) {
    walk_with_ancestors(root, [&](const Stmt *s, const std::vector<const Stmt *> &ancestors) {
      if (const auto *ref = dyn_cast<DeclRefExpr>(s)) {
        if (const auto *vd = dyn_cast<VarDecl>(ref->getDecl()))
          note(vd, ref, ancestors);
        else if (const auto *b = dyn_cast<BindingDecl>(ref->getDecl())) // a part of it
          if (const auto *dd = dyn_cast_or_null<VarDecl>(b->getDecomposedDecl()))
            note(dd, ref, ancestors);
      }
    });
    // A reference carries its writes to the variable it is bound to.
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto &[target, refs] : bound_by)
        for (const VarDecl *r : refs) {
          if (writes.count(r) && !writes.count(target)) {
            writes[target] = writes[r];
            changed = true;
          }
          if (reshaped.count(r) && reshaped.insert(target).second)
            changed = true;
        }
    }
  }

  void note(const VarDecl *vd, const DeclRefExpr *ref, const std::vector<const Stmt *> &ancestors) {
    UseKind k = classify_use(ref, ancestors);
    if (k.binds)
      bound_by[vd].push_back(k.binds);
    if (k.write) {
      const Expr *by = ref;
      for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it)
        if (const auto *e = dyn_cast<Expr>(*it);
            e && !isa<ParenExpr>(e) && !isa<ImplicitCastExpr>(e)) {
          by = e;
          break;
        }
      writes[vd].push_back(by);
    }
    if (k.reshape)
      reshaped.insert(vd);
  }
};

} // namespace

void ModelBuilder::scan_writes(const Stmt *loop) {
  UseScan in_loop;
  in_loop.run(loop);
  writes_ = std::move(in_loop.writes);
  reshaped_ = std::move(in_loop.reshaped);
  // Writes through a pointer or a reference weft cannot follow (a reference variable, a
  // reference member) may reach any variable whose address left its function, a global
  // one included.
  for (const auto &[vd, by] : writes_)
    if (vd->getType()->isReferenceType())
      indirect_writes_ = true;
  walk_with_ancestors(loop, [&](const Stmt *s, const std::vector<const Stmt *> &ancestors) {
    const auto *e = dyn_cast<Expr>(s);
    bool indirect = false;
    if (const auto *u = dyn_cast_or_null<UnaryOperator>(e))
      indirect = u->getOpcode() == UO_Deref;
    else if (const auto *m = dyn_cast_or_null<MemberExpr>(e))
      indirect = m->isArrow() || m->getMemberDecl()->getType()->isReferenceType();
    else if (const auto *as = dyn_cast_or_null<ArraySubscriptExpr>(e))
      indirect = as->getBase()->IgnoreParenImpCasts()->getType()->isPointerType();
    if (indirect && classify_use(e, ancestors).write)
      indirect_writes_ = true;
  });
  if (!function_ || !function_->getBody())
    return;
  FunctionUses unshared;
  FunctionUses *uses = &unshared;
  bool fresh = true;
  if (function_uses) {
    auto [it, inserted] = function_uses->try_emplace(function_);
    uses = &it->second;
    fresh = inserted;
  }
  if (fresh) {
    UseScan everywhere;
    everywhere.run(function_->getBody());
    // A plain assignment or ++/-- of the variable itself happens before or after a loop
    // it is outside of; any other non-read use lets an alias outlive it.
    for (const auto &[vd, by] : everywhere.writes)
      for (const Expr *e : by) {
        QualType t = vd->getType().getNonReferenceType();
        if (t->isRecordType() || t->isArrayType())
          break; // elements are accesses; only scalars can be parameters or invariants
        bool direct = false;
        if (const auto *b = dyn_cast<BinaryOperator>(e); b && b->isAssignmentOp())
          direct = isa<DeclRefExpr>(b->getLHS()->IgnoreParens());
        if (const auto *u = dyn_cast<UnaryOperator>(e); u && u->isIncrementDecrementOp())
          direct = isa<DeclRefExpr>(u->getSubExpr()->IgnoreParens());
        if (direct)
          continue;
        SourceLocation at = sm_.getExpansionLoc(e->getBeginLoc());
        auto [span, first] = uses->indirect_writes.try_emplace(vd, at, at);
        if (!first && sm_.isBeforeInTranslationUnit(at, span->second.first))
          span->second.first = at;
        if (!first && sm_.isBeforeInTranslationUnit(span->second.second, at))
          span->second.second = at;
      }
    for (const auto &[vd, refs] : everywhere.bound_by)
      for (const VarDecl *r : refs)
        if (!r->getType().getNonReferenceType().isConstQualified())
          uses->bound_writable.insert(vd); // a non-const reference may write it in a loop
  }
  // Some such write lies outside the loop iff the first or the last one does.
  for (const auto &[vd, span] : uses->indirect_writes)
    if (!contains(loop->getSourceRange(), span.first, sm_) ||
        !contains(loop->getSourceRange(), span.second, sm_))
      escaped_.insert(vd);
  escaped_.insert(uses->bound_writable.begin(), uses->bound_writable.end());
}

} // namespace frontend
} // namespace weft
