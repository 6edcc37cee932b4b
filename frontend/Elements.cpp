//===- Elements.cpp - The effect model of elements and of known classes' methods -===//
//
// The part of visit() (Effects.cpp) for the elements of arrays and containers and for
// the methods and operators of weft's classes and of std containers (docs/design.md,
// "Effect model"): DistArray A(i, j), SparseArray entries, Buffer b(i) += x,
// Accumulator a += x, C arrays, std::vector / std::array v[i], and the container methods
// whose effects are known (their constructors of elements included). Any other operator
// or method is a call (Callees.cpp).
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

namespace weft {
namespace frontend {

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
    // A reference the loop binds to a variable, a field or an element (auto &row =
    // M[i]): the access is one of that storage (M[i][k]).
    if (const auto *ref = dyn_cast<DeclRefExpr>(base)) {
      const auto *vd = dyn_cast<VarDecl>(ref->getDecl());
      auto bound = vd ? ref_bindings_.find(vd) : ref_bindings_.end();
      if (bound != ref_bindings_.end()) {
        base = bound->second->IgnoreParenImpCasts();
        continue;
      }
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
        buffer_update(inner, may);
      else
        visit_call(op, mode, may); // not an operation a Buffer offers: an ordinary call
      return;
    }
    // acc += x on an Accumulator: a reduction.
    if (is_weft(object_type, "Accumulator")) {
      for (unsigned i = 1; i < op->getNumArgs(); ++i)
        visit(op->getArg(i), Mode::Read, may);
      unsigned a = array_for_object(object, may);
      // acc += f(...): the pipeline executor needs to know which call's value is added.
      if (const auto *value = dyn_cast<CallExpr>(op->getArg(1)->IgnoreParenImpCasts());
          value && kind == OO_PlusEqual)
        for (Call &c : m_.calls)
          if (c.range == value->getSourceRange())
            c.accumulated_into = static_cast<int>(a);
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
  visit_call(op, mode, may);
}

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
    visit_call(call, mode, may);
    return;
  }
  object = object->IgnoreParenImpCasts();
  QualType t = object->getType();
  if (t->isPointerType())
    t = t->getPointeeType();
  if (!is_weft(t, "DistArray") && !is_weft(t, "SparseArray") && !is_weft(t, "Buffer") &&
      !is_weft(t, "Accumulator") && !is_std_container(t)) {
    visit_call(call, mode, may);
    return;
  }
  std::string method = md->getName().str();
  if (may_throw(t, md)) {
    // Like a throw statement: an exception leaves the loop (caught or not).
    if (current_ctx_)
      for (unsigned l : current_ctx_->nest) {
        tainted_.insert(l);
        broken_levels_.insert(l);
      }
    m_.early_exits.push_back(
        {"throw (in " + class_name(t) + "::" + method + ")", call->getSourceRange()});
  }
  if (!md->isConst())
    if (std::string why = element_construction(t); !why.empty()) {
      // resize, push_back, emplace_back, ...: the elements' constructors run.
      Call c;
      c.callee = md->getQualifiedNameAsString();
      c.unknown_effects = true;
      c.why = why;
      c.statement = current_stmt_;
      c.range = call->getSourceRange();
      m_.calls.push_back(c);
    }
  for (const Expr *arg : call->arguments())
    visit(arg, Mode::Read, may);
  auto whole = [&](Mode m) {
    unsigned a = array_for_object(object, may);
    record_mode(a, m, {}, m_.arrays[a].rank > 0, may, call);
  };
  static const std::set<std::string> metadata = {"shape",    "size",      "empty",
                                                 "capacity", "max_delay", "rank"};
  if (metadata.count(method))
    return;
  if (is_weft(t, "Accumulator") && method == "value") {
    record_mode(array_for_object(object, may), Mode::Read, {}, false, may, call);
    return;
  }
  if (md->isConst() && method != "data" && method != "begin" && method != "end" &&
      method != "front" && method != "back" && method != "at") {
    whole(Mode::Read);
    return;
  }
  if (method == "data" || method == "begin" || method == "end" || method == "target" ||
      method == "front" || method == "back" || method == "at") {
    whole(mode == Mode::Read && md->isConst() ? Mode::Read : Mode::ReadWrite); // a handle escapes
    return;
  }
  // fill, randomize, add, reset, push_back, resize, ...: the whole object changes.
  whole(Mode::Write);
}

/// buf(i) += x. A Buffer declared outside the loop holds the update back (relaxed); one
/// declared in the loop is not installed by the runtime and applies it at once, so its
/// update reads and writes the target's element directly. Either way its apply function
/// must touch nothing but the element.
void ModelBuilder::buffer_update(const CXXOperatorCallExpr *element, bool may) {
  const Expr *object = element->getArg(0)->IgnoreParenImpCasts();
  QualType type = object->getType().getNonReferenceType();
  if (const TemplateArgumentList *args = template_args(type);
      args && args->size() > 2 && args->get(2).getKind() == TemplateArgument::Type) {
    const CXXRecordDecl *apply = args->get(2).getAsType()->getAsCXXRecordDecl();
    if (apply && class_name(args->get(2).getAsType()) != "weft::ApplyAdd") {
      std::string why = "its apply function is not a visible class with one operator()";
      for (const CXXMethodDecl *md : apply->methods())
        if (md->getOverloadedOperator() == OO_Call) {
          const CalleeSummary &s = summarize(md, 0);
          why = s.unknown;
          for (size_t i = 1; why.empty() && i < s.writes_param.size(); ++i)
            if (s.writes_param[i])
              why = "its apply function writes its argument " + std::to_string(i + 1);
        }
      if (!why.empty()) {
        Call c;
        c.callee = "apply function of '" + text(object->getSourceRange()) + "'";
        c.unknown_effects = true;
        c.why = why;
        c.statement = current_stmt_;
        c.range = element->getSourceRange();
        m_.calls.push_back(c);
      }
    }
  }
  const auto *ref = dyn_cast<DeclRefExpr>(object);
  const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
  if (vd && local_scope_.count(vd) && declared_in_loop(vd) && !vd->getType()->isReferenceType()) {
    const auto *construct =
        vd->getInit() ? dyn_cast<CXXConstructExpr>(vd->getInit()->IgnoreImplicit()) : nullptr;
    const auto *target = construct && construct->getNumArgs() > 0
                             ? dyn_cast<DeclRefExpr>(construct->getArg(0)->IgnoreParenImpCasts())
                             : nullptr;
    if (!target) {
      unknown_effect(element,
                     "updates a Buffer declared in the loop whose target weft cannot name");
      return;
    }
    std::vector<Subscript> subs;
    for (unsigned i = 1; i < element->getNumArgs(); ++i) {
      visit(element->getArg(i), Mode::Read, may);
      subs.push_back(subscript(element->getArg(i)));
    }
    unsigned a = array_of(target);
    size_t first = m_.accesses.size();
    record_mode(a, Mode::ReadWrite, subs, false, may, element);
    for (size_t i = first; i < m_.accesses.size(); ++i)
      m_.accesses[i].additive = true;
    return;
  }
  record_indexed(element, object, Mode::Write, may, AccessKind::BufferUpdate);
}

} // namespace frontend
} // namespace weft
