//===- Effects.cpp - The effect model: what each expression reads and writes --------===//
//
// See docs/design.md, "Effect model".
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

#include "clang/AST/RecursiveASTVisitor.h"

#include <functional>

namespace weft {
namespace frontend {

namespace {

/// Pre-scan: every expression that writes a variable directly (assignment, ++/--,
/// address taken, bound to a non-const reference, a non-const method call).
class WriteScanner : public RecursiveASTVisitor<WriteScanner> {
public:
  std::map<const VarDecl *, std::vector<const Expr *>> writes;

  bool VisitBinaryOperator(BinaryOperator *op) {
    if (op->isAssignmentOp())
      note(op->getLHS(), op);
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *op) {
    if (op->isIncrementDecrementOp() || op->getOpcode() == UO_AddrOf)
      note(op->getSubExpr(), op);
    return true;
  }
  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *call) {
    if (call->isAssignmentOp() || call->getOperator() == OO_PlusPlus ||
        call->getOperator() == OO_MinusMinus)
      if (call->getNumArgs() > 0)
        note(call->getArg(0), call);
    return true;
  }
  bool VisitCallExpr(CallExpr *call) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!fd)
      return true;
    unsigned first = isa<CXXOperatorCallExpr>(call) && isa<CXXMethodDecl>(fd) ? 1 : 0;
    for (unsigned i = 0; i + first < call->getNumArgs() && i < fd->getNumParams(); ++i) {
      QualType t = fd->getParamDecl(i)->getType();
      if ((t->isReferenceType() && !t.getNonReferenceType().isConstQualified()) ||
          (t->isPointerType() && !t->getPointeeType().isConstQualified()))
        note(call->getArg(i + first), call);
    }
    return true;
  }
  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *call) {
    const CXXMethodDecl *md = call->getMethodDecl();
    if (md && !md->isConst() && !md->isStatic())
      structural(call->getImplicitObjectArgument(), md);
    return true;
  }
  /// Objects whose non-const methods (other than element access) are called: their
  /// shape or size may change.
  std::set<const VarDecl *> reshaped;

private:
  void note(const Expr *target, const Expr *by) {
    if (const auto *ref = dyn_cast<DeclRefExpr>(target->IgnoreParenImpCasts()))
      if (const auto *vd = dyn_cast<VarDecl>(ref->getDecl()))
        writes[vd].push_back(by);
  }
  void structural(const Expr *object, const CXXMethodDecl *md) {
    static const std::set<std::string> element_access = {
        "operator[]", "operator()", "at", "data", "begin", "end", "front", "back"};
    if (!object || element_access.count(md->getNameAsString()))
      return;
    if (const auto *ref = dyn_cast<DeclRefExpr>(object->IgnoreParenImpCasts()))
      if (const auto *vd = dyn_cast<VarDecl>(ref->getDecl()))
        reshaped.insert(vd);
  }
};

} // namespace

/// Fills writes_ and reshaped_ from the loop statement.
void ModelBuilder::scan_writes(const Stmt *loop) {
  WriteScanner scan;
  scan.TraverseStmt(const_cast<Stmt *>(loop));
  writes_ = std::move(scan.writes);
  reshaped_ = std::move(scan.reshaped);
}

/// Visits `e`, whose value is used as `mode` says; `may` marks conditional evaluation.
void ModelBuilder::visit(const Expr *e, Mode mode, bool may) {
  if (!e)
    return;
  e = e->IgnoreParens();
  if (const Expr *inner = wrapped(e)) {
    visit(inner, mode, may); // the wrapper passes the mode through
    return;
  }

  if (const auto *cast = dyn_cast<CastExpr>(e)) {
    // An lvalue-to-rvalue conversion reads; other casts pass the mode through.
    visit(cast->getSubExpr(), cast->getCastKind() == CK_LValueToRValue ? Mode::Read : mode, may);
    return;
  }
  if (const auto *b = dyn_cast<BinaryOperator>(e)) {
    if (b->isAssignmentOp()) {
      visit(b->getRHS(), Mode::Read, may);
      size_t first = m_.accesses.size();
      visit(b->getLHS(), b->getOpcode() == BO_Assign ? Mode::Write : Mode::ReadWrite, may);
      if (b->getOpcode() == BO_AddAssign || b->getOpcode() == BO_SubAssign)
        for (size_t i = first; i < m_.accesses.size(); ++i)
          if (m_.accesses[i].range.getBegin() == b->getLHS()->IgnoreParens()->getBeginLoc())
            m_.accesses[i].additive = true; // the target, not reads in its subscripts
      if (mode != Mode::Read)
        visit(b->getLHS(), mode, may);
      return;
    }
    if (b->isLogicalOp()) {
      visit(b->getLHS(), Mode::Read, may);
      visit(b->getRHS(), Mode::Read, true);
      return;
    }
    if (b->getOpcode() == BO_Comma) {
      visit(b->getLHS(), Mode::Read, may);
      visit(b->getRHS(), mode, may);
      return;
    }
    visit(b->getLHS(), Mode::Read, may);
    visit(b->getRHS(), Mode::Read, may);
    return;
  }
  if (const auto *u = dyn_cast<UnaryOperator>(e)) {
    if (u->isIncrementDecrementOp()) {
      visit(u->getSubExpr(), Mode::ReadWrite, may);
      return;
    }
    if (u->getOpcode() == UO_AddrOf) {
      escape(u->getSubExpr(), may);
      return;
    }
    if (u->getOpcode() == UO_Deref) {
      // *p: storage weft cannot name; the pointer itself is read.
      unsigned a = array_for_object(u->getSubExpr()->IgnoreParenImpCasts(), may);
      record_mode(a, mode, {}, true, may, e);
      return;
    }
    visit(u->getSubExpr(), Mode::Read, may);
    return;
  }
  if (const auto *c = dyn_cast<ConditionalOperator>(e)) {
    visit(c->getCond(), Mode::Read, may);
    visit(c->getTrueExpr(), mode, true);
    visit(c->getFalseExpr(), mode, true);
    return;
  }
  if (size_parameter(e, /*declare=*/false))
    return; // X.size(), X.shape()[d]: metadata the loop does not change
  if (const auto *ref = dyn_cast<DeclRefExpr>(e)) {
    visit_variable(ref, mode, may);
    return;
  }
  if (const auto *member = dyn_cast<MemberExpr>(e)) {
    visit_member(member, mode, may);
    return;
  }
  if (isa<ArraySubscriptExpr>(e)) {
    visit_element(e, mode, may);
    return;
  }
  if (const auto *op = dyn_cast<CXXOperatorCallExpr>(e)) {
    visit_operator(op, mode, may);
    return;
  }
  if (const auto *call = dyn_cast<CXXMemberCallExpr>(e)) {
    visit_member_call(call, mode, may);
    return;
  }
  if (const auto *call = dyn_cast<CallExpr>(e)) {
    visit_call(call, may);
    return;
  }
  if (isa<LambdaExpr>(e) || isa<UnaryExprOrTypeTraitExpr>(e))
    return; // a lambda runs when called; sizeof evaluates nothing
  if (const auto *construct = dyn_cast<CXXConstructExpr>(e)) {
    for (const Expr *arg : construct->arguments())
      visit(arg, Mode::Read, may);
    return;
  }
  for (const Stmt *child : e->children())
    if (const auto *ce = dyn_cast_or_null<Expr>(child))
      visit(ce, Mode::Read, may);
}

/// The address of `e` leaves the expression: whatever it names may be read and
/// written anywhere.
void ModelBuilder::escape(const Expr *e, bool may) {
  const Expr *root = e->IgnoreParenImpCasts();
  while (true) {
    if (const auto *as = dyn_cast<ArraySubscriptExpr>(root)) {
      visit(as->getIdx(), Mode::Read, may);
      root = as->getBase()->IgnoreParenImpCasts();
    } else if (const auto *op = dyn_cast<CXXOperatorCallExpr>(root);
               op && (op->getOperator() == OO_Subscript || op->getOperator() == OO_Call)) {
      for (unsigned i = 1; i < op->getNumArgs(); ++i)
        visit(op->getArg(i), Mode::Read, may);
      root = op->getArg(0)->IgnoreParenImpCasts();
    } else {
      break;
    }
  }
  if (const auto *ref = dyn_cast<DeclRefExpr>(root)) {
    const auto *vd = dyn_cast<VarDecl>(ref->getDecl());
    if (vd && (loop_var_level_.count(vd) || constants_.count(vd)))
      return;
    if (vd) {
      record_mode(array_of(ref), Mode::ReadWrite, {}, true, true, e);
      return;
    }
  }
  record_mode(array_of_expr(root), Mode::ReadWrite, {}, true, true, e);
}

void ModelBuilder::visit_variable(const DeclRefExpr *ref, Mode mode, bool may) {
  if (const auto *binding = dyn_cast<BindingDecl>(ref->getDecl())) {
    // A structured binding names a part of its decomposed object.
    if (const Expr *part = binding->getBinding()) {
      const Expr *saved = use_site_;
      use_site_ = ref; // accesses are reported where the binding is used
      visit(part, mode, may);
      use_site_ = saved;
    }
    return;
  }
  const auto *vd = dyn_cast<VarDecl>(ref->getDecl());
  if (!vd)
    return; // functions, enumerators
  if (constants_.count(vd))
    return; // replaced by its value wherever it is used
  auto lv = loop_var_level_.find(vd);
  if (lv != loop_var_level_.end()) {
    const LoopLevel &level = m_.levels[lv->second];
    if (level.kind == LevelKind::SparseRange) {
      // The entry as a whole: its value is R at the current keys.
      visit_sparse_value(vd, ref, mode, may);
      return;
    }
    if (level.kind == LevelKind::Counted && level_in_scope(lv->second))
      return; // the induction variable is the iteration's coordinate
  }
  auto rv = range_vars_.find(vd);
  if (rv != range_vars_.end() && vd->getType()->isReferenceType()) {
    // The element of a range-for over another container: some element of it.
    const auto *base = dyn_cast<DeclRefExpr>(rv->second);
    unsigned a = base ? array_of(base) : array_of_expr(rv->second);
    std::vector<Subscript> subs(m_.arrays[a].rank);
    for (Subscript &s : subs) {
      s.text = vd->getNameAsString();
      s.unknown = "'" + vd->getNameAsString() + "' is an element of a range-for over '" +
                  text(rv->second->getSourceRange()) + "'";
    }
    record_mode(a, mode, subs, subs.empty(), may, ref);
    return;
  }
  QualType t = vd->getType().getNonReferenceType();
  bool scalar = !t->isRecordType() && !t->isArrayType();
  // Reads of outer scalars the loop never writes are loop invariants: not recorded.
  if (scalar && mode == Mode::Read && !declared_in_loop(vd) && !written(vd) &&
      !vd->getType()->isReferenceType())
    return;
  unsigned a = array_of(ref);
  if (m_.arrays[a].kind == ArrayKind::Pointer && mode == Mode::Read && !written(vd))
    return; // reading the pointer value itself; what it points to is accessed by p[i]
  record_mode(a, mode, {}, m_.arrays[a].rank > m_.arrays[a].private_dims, may, ref);
}

/// e.value / the entry e of a sparse range-for: R at the iteration's keys. A copy of
/// the entry (auto e : R) is a local: writing it does not write R.
void ModelBuilder::visit_sparse_value(const VarDecl *entry, const Expr *e, Mode mode, bool may) {
  unsigned level = loop_var_level_[entry];
  const LoopLevel &lv = m_.levels[level];
  unsigned array = sparse_arrays_.at(level);
  std::vector<Subscript> subs;
  for (size_t d = 0; d < lv.dims.size(); ++d) {
    Subscript s;
    s.affine = AffineExpr::variable(lv.dims[d]);
    s.text = entry->getNameAsString() + ".key[" + std::to_string(d) + "]";
    subs.push_back(s);
  }
  bool by_reference = entry->getType()->isReferenceType();
  if (mode != Mode::Read && !by_reference) {
    // Writes go to the iteration's private copy; reads of the copy read R.
    if (mode == Mode::ReadWrite)
      record_mode(array, Mode::Read, subs, false, may, e);
    return;
  }
  record_mode(array, mode, subs, false, may, e);
}

void ModelBuilder::visit_member(const MemberExpr *member, Mode mode, bool may) {
  const Expr *base = member->getBase()->IgnoreParenImpCasts();
  if (const auto *ref = dyn_cast<DeclRefExpr>(base)) {
    const auto *vd = dyn_cast<VarDecl>(ref->getDecl());
    auto lv = vd ? loop_var_level_.find(vd) : loop_var_level_.end();
    if (lv != loop_var_level_.end() && m_.levels[lv->second].kind == LevelKind::SparseRange) {
      llvm::StringRef field = member->getMemberDecl()->getName();
      if (field == "value") {
        visit_sparse_value(vd, member, mode, may);
        return;
      }
      if (field == "key" && mode == Mode::Read)
        return; // the iteration's coordinates
      // Writing a key changes which entry the iteration is.
      unsigned array = sparse_arrays_.at(lv->second);
      record_mode(array, mode, {}, true, true, member);
      return;
    }
  }
  // A field of an object (or through a pointer): weft names it by its spelling.
  if (member->isArrow())
    visit(member->getBase(), Mode::Read, may);
  QualType t = member->getType().getNonReferenceType();
  if (mode == Mode::Read && !t->isRecordType() && !t->isArrayType() && !t->isPointerType() &&
      !writes_to_spelling(member))
    return; // a scalar field the loop never writes: invariant
  unsigned a = array_of_expr(member);
  record_mode(a, mode, {}, m_.arrays[a].rank > 0, may, member);
}

/// Whether any write in the loop has the same spelling as `member` (fields are named
/// by their spelling, so this is how their invariance is decided).
bool ModelBuilder::writes_to_spelling(const MemberExpr *member) {
  std::string spelling = text(member->getSourceRange());
  return member_writes_.count(spelling) != 0 || scan_member_writes(spelling);
}

bool ModelBuilder::scan_member_writes(const std::string &spelling) {
  if (!member_writes_scanned_) {
    member_writes_scanned_ = true;
    std::function<void(const Stmt *)> scan = [&](const Stmt *s) {
      if (!s)
        return;
      const Expr *target = nullptr;
      if (const auto *b = dyn_cast<BinaryOperator>(s); b && b->isAssignmentOp())
        target = b->getLHS();
      else if (const auto *u = dyn_cast<UnaryOperator>(s);
               u && (u->isIncrementDecrementOp() || u->getOpcode() == UO_AddrOf))
        target = u->getSubExpr();
      else if (const auto *op = dyn_cast<CXXOperatorCallExpr>(s);
               op && op->isAssignmentOp() && op->getNumArgs() > 0)
        target = op->getArg(0);
      if (target)
        if (const auto *me = dyn_cast<MemberExpr>(target->IgnoreParenImpCasts()))
          member_writes_.insert(text(me->getSourceRange()));
      for (const Stmt *child : s->children())
        scan(child);
    };
    for (const LoopLevel &lv : m_.levels)
      if (lv.parent < 0)
        scan(lv.stmt);
  }
  return member_writes_.count(spelling) != 0;
}

/// A[i][j] on a C array or pointer, v[i][j] on std::vector / std::array.
void ModelBuilder::visit_element(const Expr *e, Mode mode, bool may) {
  if (sparse_key(e) && mode == Mode::Read)
    return;
  std::vector<const Expr *> indices;
  const Expr *base = e->IgnoreParenImpCasts();
  while (true) {
    if (const auto *as = dyn_cast<ArraySubscriptExpr>(base)) {
      indices.insert(indices.begin(), as->getIdx());
      base = as->getBase()->IgnoreParenImpCasts();
      continue;
    }
    if (const auto *op = dyn_cast<CXXOperatorCallExpr>(base);
        op && op->getOperator() == OO_Subscript && op->getNumArgs() == 2 &&
        is_std_container(op->getArg(0)->getType())) {
      indices.insert(indices.begin(), op->getArg(1));
      base = op->getArg(0)->IgnoreParenImpCasts();
      continue;
    }
    break;
  }
  std::vector<Subscript> subs;
  for (const Expr *index : indices) {
    visit(index, Mode::Read, may);
    subs.push_back(subscript(index));
  }
  unsigned a;
  if (const auto *ref = dyn_cast<DeclRefExpr>(base)) {
    a = array_of(ref);
  } else if (const auto *member = dyn_cast<MemberExpr>(base)) {
    // obj.field[i]: the field is the array; obj->field[i] also reads the pointer.
    if (member->isArrow())
      visit(member->getBase(), Mode::Read, may);
    a = array_of_expr(base);
  } else {
    visit(base, Mode::Read, may);
    a = array_of_expr(base);
  }
  // A partial subscript (a row of a 2-D array) names a whole sub-array.
  for (size_t i = subs.size() + m_.arrays[a].private_dims; i < m_.arrays[a].rank; ++i) {
    Subscript any;
    any.text = "*";
    any.unknown = "'" + text(e->getSourceRange()) + "' names a whole sub-array";
    subs.push_back(any);
  }
  record_mode(a, mode, subs, false, may, e);
}

void ModelBuilder::visit_operator(const CXXOperatorCallExpr *op, Mode mode, bool may) {
  OverloadedOperatorKind kind = op->getOperator();
  const Expr *object = op->getNumArgs() > 0 ? op->getArg(0)->IgnoreParenImpCasts() : nullptr;
  QualType object_type = object ? object->getType() : QualType();

  // A(i, j) on a DistArray.
  if (kind == OO_Call && object && is_weft(object_type, "DistArray")) {
    record_indexed(op, object, mode, may, AccessKind::Read);
    return;
  }
  // buf(i, j) += x on a Buffer: a buffered update of the element.
  if (object && op->isAssignmentOp()) {
    if (const auto *inner = dyn_cast<CXXOperatorCallExpr>(object);
        inner && inner->getOperator() == OO_Call && inner->getNumArgs() > 0 &&
        is_weft(inner->getArg(0)->IgnoreParenImpCasts()->getType(), "Buffer")) {
      visit(op->getArg(1), Mode::Read, may);
      if (kind == OO_PlusEqual)
        record_indexed(inner, inner->getArg(0)->IgnoreParenImpCasts(), Mode::Write, may,
                       AccessKind::BufferUpdate);
      else
        visit_call(op, may); // not an operation a Buffer offers: an ordinary call
      return;
    }
    // acc += x on an Accumulator: a reduction.
    if (is_weft(object_type, "Accumulator")) {
      for (unsigned i = 1; i < op->getNumArgs(); ++i)
        visit(op->getArg(i), Mode::Read, may);
      unsigned a = array_for_object(object, may);
      if (kind == OO_PlusEqual)
        record(a, AccessKind::Reduce, {}, false, may, text(op->getSourceRange()),
               op->getSourceRange());
      else
        record_mode(a, Mode::Write, {}, false, may, op);
      return;
    }
  }
  // v[i] on std::vector / std::array.
  if (kind == OO_Subscript && object && is_std_container(object_type)) {
    visit_element(op, mode, may);
    return;
  }
  visit_call(op, may);
}

/// X(i, j) on a DistArray or Buffer: one access with the call's arguments as subscripts.
void ModelBuilder::record_indexed(const CXXOperatorCallExpr *op, const Expr *object, Mode mode,
                                  bool may, AccessKind kind) {
  std::vector<Subscript> subs;
  for (unsigned i = 1; i < op->getNumArgs(); ++i) {
    visit(op->getArg(i), Mode::Read, may);
    subs.push_back(subscript(op->getArg(i)));
  }
  unsigned a = array_for_object(object, may);
  if (kind == AccessKind::BufferUpdate) {
    record(a, kind, subs, false, may, text(op->getSourceRange()), op->getSourceRange());
    return;
  }
  record_mode(a, mode, subs, false, may, op);
}

/// Methods of weft's classes and std containers have known effects; other methods
/// are calls.
void ModelBuilder::visit_member_call(const CXXMemberCallExpr *call, Mode mode, bool may) {
  const Expr *object = call->getImplicitObjectArgument();
  const CXXMethodDecl *md = call->getMethodDecl();
  if (!object || !md || !md->getIdentifier()) {
    visit_call(call, may);
    return;
  }
  object = object->IgnoreParenImpCasts();
  QualType t = object->getType();
  if (t->isPointerType())
    t = t->getPointeeType();
  std::string method = md->getName().str();
  for (const Expr *arg : call->arguments())
    visit(arg, Mode::Read, may);
  auto whole = [&](Mode m) {
    unsigned a = array_for_object(object, may);
    record_mode(a, m, {}, m_.arrays[a].rank > 0, may, call);
  };
  static const std::set<std::string> metadata = {"shape",    "size",      "empty",
                                                 "capacity", "max_delay", "rank"};
  if (is_weft(t, "DistArray") || is_weft(t, "SparseArray") || is_weft(t, "Buffer") ||
      is_weft(t, "Accumulator") || is_std_container(t)) {
    if (metadata.count(method))
      return;
    if (is_weft(t, "Accumulator") && method == "value") {
      record_mode(array_for_object(object, may), Mode::Read, {}, false, may, call);
      return;
    }
    if (md->isConst() && method != "data" && method != "begin" && method != "end") {
      whole(Mode::Read);
      return;
    }
    if (method == "data" || method == "begin" || method == "end" || method == "target") {
      whole(Mode::ReadWrite); // a handle to the storage escapes
      return;
    }
    // fill, randomize, add, reset, push_back, resize, ...: the whole object changes.
    whole(Mode::Write);
    return;
  }
  visit_call(call, may);
  (void)mode;
}

/// Why calling `fd` may touch memory weft does not see, or empty when it cannot:
/// its body is visible and writes only its own locals, calls only such functions,
/// and reads no mutable global.
std::string ModelBuilder::effects_of(const FunctionDecl *fd, unsigned depth) {
  auto cached = effects_.find(fd);
  if (cached != effects_.end())
    return cached->second;
  if (is_pure_library_function(fd))
    return effects_[fd] = "";
  const FunctionDecl *def = nullptr;
  if (!fd->hasBody(def) || !def || !def->getBody())
    return effects_[fd] = "its body is not visible";
  if (depth > 8)
    return effects_[fd] = "its calls nest too deeply to follow";
  effects_[fd] = "it is recursive"; // assumed while the body is scanned
  if (const auto *md = dyn_cast<CXXMethodDecl>(def); md && !md->isStatic() && !md->isConst() &&
                                                     !isa<CXXConversionDecl>(md) &&
                                                     !md->getParent()->isLambda())
    return effects_[fd] = "it is a non-const member function";
  std::string why = body_effects(def, def->getBody(), depth);
  return effects_[fd] = why;
}

std::string ModelBuilder::body_effects(const FunctionDecl *fd, const Stmt *s, unsigned depth) {
  if (!s)
    return {};
  auto local = [&](const Expr *target) -> bool {
    // True when the write lands in storage owned by this call: a local variable or a
    // by-value parameter, not through a pointer or reference.
    const Expr *root = target->IgnoreParenImpCasts();
    while (true) {
      if (const auto *as = dyn_cast<ArraySubscriptExpr>(root)) {
        if (as->getBase()->IgnoreParenImpCasts()->getType()->isPointerType())
          return false;
        root = as->getBase()->IgnoreParenImpCasts();
      } else if (const auto *me = dyn_cast<MemberExpr>(root)) {
        if (me->isArrow())
          return false;
        root = me->getBase()->IgnoreParenImpCasts();
      } else if (const auto *op = dyn_cast<CXXOperatorCallExpr>(root);
                 op && op->getOperator() == OO_Subscript && op->getNumArgs() == 2) {
        root = op->getArg(0)->IgnoreParenImpCasts();
      } else {
        break;
      }
    }
    const auto *ref = dyn_cast<DeclRefExpr>(root);
    const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
    return vd && vd->hasLocalStorage() && !vd->getType()->isReferenceType() &&
           vd->getDeclContext() == fd;
  };
  if (const auto *b = dyn_cast<BinaryOperator>(s); b && b->isAssignmentOp() && !local(b->getLHS()))
    return "it writes '" + text(b->getLHS()->getSourceRange()) + "'";
  if (const auto *u = dyn_cast<UnaryOperator>(s);
      u && (u->isIncrementDecrementOp() || u->getOpcode() == UO_AddrOf) && !local(u->getSubExpr()))
    return "it writes '" + text(u->getSubExpr()->getSourceRange()) + "'";
  if (const auto *ref = dyn_cast<DeclRefExpr>(s))
    if (const auto *vd = dyn_cast<VarDecl>(ref->getDecl())) {
      if (vd->hasGlobalStorage() && !vd->isStaticLocal() && !vd->getType().isConstQualified())
        return "it reads the global '" + vd->getNameAsString() + "'";
      if (vd->hasLocalStorage() && vd->getDeclContext() != fd)
        return "it uses the captured variable '" + vd->getNameAsString() + "'";
    }
  if (const auto *call = dyn_cast<CallExpr>(s)) {
    const FunctionDecl *callee = call->getDirectCallee();
    if (!callee)
      return "it calls through a function pointer";
    if (const auto *op = dyn_cast<CXXOperatorCallExpr>(call);
        op && op->isAssignmentOp() && op->getNumArgs() > 0 && !local(op->getArg(0)))
      return "it writes '" + text(op->getArg(0)->getSourceRange()) + "'";
    if (const auto *mc = dyn_cast<CXXMemberCallExpr>(call))
      if (const CXXMethodDecl *md = mc->getMethodDecl(); md && !md->isConst() && !md->isStatic()) {
        const Expr *object = mc->getImplicitObjectArgument();
        if (object && !local(object))
          return "it calls the non-const method '" + md->getNameAsString() + "' on '" +
                 text(object->getSourceRange()) + "'";
      }
    if (!isa<CXXMemberCallExpr>(call) && !isa<CXXOperatorCallExpr>(call)) {
      std::string inner = effects_of(callee, depth + 1);
      if (!inner.empty())
        return "it calls '" + callee->getQualifiedNameAsString() + "', and " + inner;
    }
  }
  if (isa<CXXThrowExpr>(s) || isa<GCCAsmStmt>(s) || isa<MSAsmStmt>(s))
    return "it throws or contains inline assembly";
  for (const Stmt *child : s->children()) {
    std::string why = body_effects(fd, child, depth);
    if (!why.empty())
      return why;
  }
  return {};
}

void ModelBuilder::visit_call(const CallExpr *call, bool may) {
  const FunctionDecl *fd = call->getDirectCallee();
  Call record_call;
  record_call.statement = current_stmt_;
  record_call.range = call->getSourceRange();
  record_call.callee =
      fd ? fd->getQualifiedNameAsString() : text(call->getCallee()->getSourceRange());
  if (!fd) {
    record_call.unknown_effects = true;
    record_call.why = "it calls through a function pointer";
  } else if (const auto *md = dyn_cast<CXXMethodDecl>(fd); md && md->getParent()->isLambda()) {
    record_call.callee = "lambda at " + location_string(md->getParent()->getLocation(), sm_);
    record_call.why = effects_of(fd);
    record_call.unknown_effects = !record_call.why.empty();
  } else {
    record_call.why = effects_of(fd);
    record_call.unknown_effects = !record_call.why.empty();
  }

  // Arguments: read; those bound to non-const references or pointers may be written.
  unsigned first = isa<CXXOperatorCallExpr>(call) && fd && isa<CXXMethodDecl>(fd) ? 1 : 0;
  if (first == 1 || isa<CXXMemberCallExpr>(call)) {
    const Expr *object = isa<CXXMemberCallExpr>(call)
                             ? cast<CXXMemberCallExpr>(call)->getImplicitObjectArgument()
                             : call->getArg(0);
    const auto *md = dyn_cast_or_null<CXXMethodDecl>(fd);
    if (object && !(md && md->getParent()->isLambda()))
      visit_argument(object, md && !md->isConst(), may);
  } else {
    visit(call->getCallee(), Mode::Read, may);
  }
  for (unsigned i = first; i < call->getNumArgs(); ++i) {
    bool writable = true; // through a pointer/reference, or variadic
    if (fd && i - first < fd->getNumParams()) {
      QualType t = fd->getParamDecl(i - first)->getType();
      writable = (t->isReferenceType() && !t.getNonReferenceType().isConstQualified()) ||
                 (t->isPointerType() && !t->getPointeeType().isConstQualified());
    }
    visit_argument(call->getArg(i), writable, may);
  }
  m_.calls.push_back(record_call);
}

/// An argument: its value is read; a class object or array passed by reference is
/// read as a whole; one that may be written is read and written as a whole.
void ModelBuilder::visit_argument(const Expr *arg, bool writable, bool may) {
  const Expr *bare = arg->IgnoreParenImpCasts();
  QualType t = bare->getType();
  bool storage = t->isRecordType() || t->isArrayType() || t->isPointerType();
  if (writable && (bare->isLValue() || t->isPointerType())) {
    if (t->isPointerType() && !isa<UnaryOperator>(bare)) {
      visit(bare, Mode::Read, may);
      escape_pointer(bare);
    } else {
      escape(bare, may);
    }
    return;
  }
  if (storage && !t->isPointerType()) {
    if (const auto *ref = dyn_cast<DeclRefExpr>(bare)) {
      const auto *vd = dyn_cast<VarDecl>(ref->getDecl());
      if (vd && loop_var_level_.count(vd) &&
          m_.levels[loop_var_level_[vd]].kind == LevelKind::SparseRange) {
        visit_sparse_value(vd, ref, Mode::Read, may);
        return;
      }
      if (vd) {
        unsigned a = array_of(ref);
        record_mode(a, Mode::Read, {}, m_.arrays[a].rank > 0, may, ref);
        return;
      }
    }
  }
  visit(arg, Mode::Read, may);
}

/// A pointer value passed where it may be written through: whatever it points to.
void ModelBuilder::escape_pointer(const Expr *pointer) {
  unsigned a = array_of_expr(pointer);
  if (const auto *ref = dyn_cast<DeclRefExpr>(pointer))
    a = array_of(ref);
  record_mode(a, Mode::ReadWrite, {}, true, true, pointer);
}

} // namespace frontend
} // namespace weft
