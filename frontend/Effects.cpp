//===- Effects.cpp - The effect model: what each expression reads and writes ---===//
//
// visit() maps every expression of the loop body to the accesses it makes. The kinds it
// models form a closed list (docs/design.md, "Effect model"):
//   wrappers       parentheses, full expressions, materialized temporaries, default
//                  arguments and member initializers, substituted template arguments
//   conversions    lvalue-to-rvalue (a read), value conversions, derived-to-base and
//                  no-op conversions (the same object), user-defined conversions (calls)
//   operators      built-in assignment, compound assignment, ++/--, arithmetic,
//                  logical, comma, conditional, address-of (an escape), dereference (a
//                  may-alias access)
//   names          variables, structured bindings, references bound to an element,
//                  fields, loop variables and sparse entries; a field reached through a
//                  reference member is storage weft cannot name (Arrays.cpp)
//   elements       DistArray A(i, j), Buffer b(i) += x, Accumulator a += x, C arrays,
//                  std::vector / std::array v[i]; the methods of weft's classes and std
//                  containers (Elements.cpp)
//   calls          direct calls of visible non-virtual functions, summarized with their
//                  reference parameters bound to the arguments (Callees.cpp); math
//                  functions; constructors and destructors, implicit ones included
//   inert          literals, sizeof, this, lambda expressions (their bodies run when called)
// Anything else is an unknown effect naming the expression, and so is a write through
// a reference returned by a call. Calls through pointers, virtual calls, and calls
// whose body is not visible or whose summary is unknown are calls with unknown effects.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

namespace weft {
namespace frontend {

namespace {

/// Expressions nest at most this deep in a modelled statement; deeper ones are an
/// unknown effect (clang accepts far deeper ones, and each level costs stack).
constexpr unsigned kMaxExprDepth = 400;

struct DepthGuard {
  unsigned &depth;
  explicit DepthGuard(unsigned &d) : depth(d) { ++depth; }
  ~DepthGuard() { --depth; }
};

bool is_inert(const Expr *e) {
  return isa<IntegerLiteral>(e) || isa<FloatingLiteral>(e) || isa<CXXBoolLiteralExpr>(e) ||
         isa<CharacterLiteral>(e) || isa<StringLiteral>(e) || isa<CXXNullPtrLiteralExpr>(e) ||
         isa<ImaginaryLiteral>(e) || isa<FixedPointLiteral>(e) || isa<PredefinedExpr>(e) ||
         isa<GNUNullExpr>(e) || isa<CXXScalarValueInitExpr>(e) || isa<ImplicitValueInitExpr>(e) ||
         isa<UnaryExprOrTypeTraitExpr>(e) || isa<TypeTraitExpr>(e) || isa<CXXNoexceptExpr>(e) ||
         isa<CXXThisExpr>(e) || isa<ArrayInitIndexExpr>(e) || isa<CXXPseudoDestructorExpr>(e) ||
         isa<SizeOfPackExpr>(e) ||
         (isa<DeclRefExpr>(e) && !isa<VarDecl>(cast<DeclRefExpr>(e)->getDecl()) &&
          !isa<BindingDecl>(cast<DeclRefExpr>(e)->getDecl()));
}

/// Conversions whose result is a new value computed from the operand's value.
bool is_value_conversion(CastKind kind) {
  switch (kind) {
  case CK_IntegralCast:
  case CK_FloatingCast:
  case CK_IntegralToFloating:
  case CK_FloatingToIntegral:
  case CK_IntegralToBoolean:
  case CK_FloatingToBoolean:
  case CK_PointerToBoolean:
  case CK_MemberPointerToBoolean:
  case CK_BooleanToSignedIntegral:
  case CK_IntegralToPointer:
  case CK_PointerToIntegral:
  case CK_BitCast:
  case CK_NullToPointer:
  case CK_NullToMemberPointer:
  case CK_FunctionToPointerDecay:
  case CK_BuiltinFnToFnPtr:
  case CK_ToVoid:
  case CK_FloatingRealToComplex:
  case CK_FloatingComplexToReal:
  case CK_FloatingComplexToBoolean:
  case CK_FloatingComplexCast:
  case CK_FloatingComplexToIntegralComplex:
  case CK_IntegralRealToComplex:
  case CK_IntegralComplexToReal:
  case CK_IntegralComplexToBoolean:
  case CK_IntegralComplexCast:
  case CK_IntegralComplexToFloatingComplex:
  case CK_UserDefinedConversion:
  case CK_ConstructorConversion:
    return true;
  default:
    return false;
  }
}

/// Conversions that name the same object (or element) under another type.
bool is_object_conversion(CastKind kind) {
  switch (kind) {
  case CK_NoOp:
  case CK_DerivedToBase:
  case CK_UncheckedDerivedToBase:
  case CK_BaseToDerived:
  case CK_Dynamic:
  case CK_LValueBitCast:
  case CK_AtomicToNonAtomic:
  case CK_NonAtomicToAtomic:
    return true;
  default:
    return false;
  }
}

} // namespace

void ModelBuilder::unknown_effect(const Stmt *e, const std::string &why) {
  UnknownEffect u;
  u.what = text(e->getSourceRange());
  if (u.what.size() > 80)
    u.what = u.what.substr(0, 77) + "...";
  u.why = why;
  u.statement = current_stmt_;
  u.range = e->getSourceRange();
  m_.unknown_effects.push_back(std::move(u));
}

/// Visits `e`, whose value is used as `mode` says; `may` marks conditional evaluation.
void ModelBuilder::visit(const Expr *e, Mode mode, bool may) {
  if (!e)
    return;
  if (visit_depth_ >= kMaxExprDepth) {
    unknown_effect(e, "nests deeper than " + std::to_string(kMaxExprDepth) +
                          " levels, more than weft models");
    return;
  }
  DepthGuard guard(visit_depth_);
  e = e->IgnoreParens();

  // Wrappers: the mode passes through.
  if (const auto *full = dyn_cast<FullExpr>(e))
    return visit(full->getSubExpr(), mode, may);
  if (const auto *temp = dyn_cast<MaterializeTemporaryExpr>(e))
    return visit(temp->getSubExpr(), mode, may);
  if (const auto *bind = dyn_cast<CXXBindTemporaryExpr>(e)) {
    destructor_effects(bind->getTemporary()->getDestructor(), bind, may);
    return visit(bind->getSubExpr(), mode, may);
  }
  if (const auto *def = dyn_cast<CXXDefaultArgExpr>(e))
    return visit(def->getExpr(), mode, may);
  if (const auto *def = dyn_cast<CXXDefaultInitExpr>(e))
    return visit(def->getExpr(), mode, may);
  if (const auto *subst = dyn_cast<SubstNonTypeTemplateParmExpr>(e))
    return visit(subst->getReplacement(), mode, may);
  if (const auto *opaque = dyn_cast<OpaqueValueExpr>(e)) {
    if (opaque->getSourceExpr())
      visit(opaque->getSourceExpr(), mode, may);
    return;
  }

  if (const auto *cast = dyn_cast<CastExpr>(e)) {
    CastKind kind = cast->getCastKind();
    if (kind == CK_LValueToRValue || is_value_conversion(kind))
      return visit(cast->getSubExpr(), Mode::Read, may);
    if (is_object_conversion(kind))
      return visit(cast->getSubExpr(), mode, may);
    if (kind == CK_ArrayToPointerDecay) {
      escape(cast->getSubExpr(), may); // the array's address, to be written through anywhere
      return;
    }
    unknown_effect(e, std::string("is a conversion (") + cast->getCastKindName() +
                          ") that weft does not model");
    return visit(cast->getSubExpr(), Mode::Read, may);
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
    if (b->isPtrMemOp()) {
      unknown_effect(e, "accesses a member through a member pointer");
      return;
    }
    visit(b->getLHS(), Mode::Read, may);
    visit(b->getRHS(), Mode::Read, may);
    return;
  }
  if (const auto *u = dyn_cast<UnaryOperator>(e)) {
    switch (u->getOpcode()) {
    case UO_PreInc:
    case UO_PreDec:
    case UO_PostInc:
    case UO_PostDec:
      visit(u->getSubExpr(), Mode::ReadWrite, may);
      if (mode != Mode::Read && u->isPrefix())
        visit(u->getSubExpr(), mode, may);
      return;
    case UO_AddrOf:
      escape(u->getSubExpr(), may);
      return;
    case UO_Deref: {
      // *p: storage weft cannot name; the pointer itself is read.
      unsigned a = array_for_object(u->getSubExpr()->IgnoreParenImpCasts(), may);
      record_mode(a, mode, {}, true, may, e);
      return;
    }
    case UO_Plus:
    case UO_Minus:
    case UO_Not:
    case UO_LNot:
    case UO_Real:
    case UO_Imag:
    case UO_Extension:
      visit(u->getSubExpr(), Mode::Read, may);
      return;
    default:
      unknown_effect(e, "is an operator weft does not model");
      return;
    }
  }
  if (const auto *c = dyn_cast<ConditionalOperator>(e)) {
    visit(c->getCond(), Mode::Read, may);
    visit(c->getTrueExpr(), mode, true);
    visit(c->getFalseExpr(), mode, true);
    return;
  }
  if (const auto *c = dyn_cast<BinaryConditionalOperator>(e)) {
    visit(c->getCommon(), Mode::Read, may);
    visit(c->getFalseExpr(), mode, true);
    if (mode != Mode::Read)
      visit(c->getCommon(), mode, true);
    return;
  }
  if (size_parameter(e, /*declare=*/false))
    return; // X.size(), X.shape()[d]: metadata the loop does not change
  if (const auto *ref = dyn_cast<DeclRefExpr>(e);
      ref && (isa<VarDecl>(ref->getDecl()) || isa<BindingDecl>(ref->getDecl()))) {
    visit_variable(ref, mode, may);
    return;
  }
  if (const auto *member = dyn_cast<MemberExpr>(e)) {
    if (isa<FieldDecl>(member->getMemberDecl()) || isa<VarDecl>(member->getMemberDecl())) {
      visit_member(member, mode, may);
      return;
    }
    // A bound member function is only ever the callee of a call, visited there.
    unknown_effect(e, "names a member function outside a call");
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
    visit_call(call, mode, may);
    return;
  }
  if (const auto *construct = dyn_cast<CXXConstructExpr>(e)) {
    visit_construct(construct, may);
    return;
  }
  if (const auto *list = dyn_cast<InitListExpr>(e)) {
    // A glvalue initializer binds an aggregate's reference member: what it names may be
    // read and written through the member, later and anywhere the object goes (a method,
    // a callee, a copy). A class object bound to a const reference member stays read;
    // reads through the member are accesses of their own (a may-alias name in the
    // loop, an unknown effect in a callee).
    for (const Expr *init : list->inits())
      if (init && init->isGLValue() &&
          (!init->getType()->isRecordType() || !init->getType().isConstQualified()))
        escape(init, may);
      else
        visit(init, Mode::Read, may);
    if (list->hasArrayFiller()) // the elements no initializer names: `T a[4] = {};`
      visit(list->getArrayFiller(), Mode::Read, may);
    return;
  }
  if (const auto *list = dyn_cast<CXXStdInitializerListExpr>(e))
    return visit(list->getSubExpr(), Mode::Read, may);
  if (const auto *lambda = dyn_cast<LambdaExpr>(e)) {
    // Creating the closure copies what it captures by copy; by-reference captures
    // are used when it is called (Callees.cpp refuses them there).
    for (const Expr *init : lambda->capture_inits())
      if (init && !init->isGLValue())
        visit(init, Mode::Read, may);
    return;
  }
  if (const auto *t = dyn_cast<CXXThrowExpr>(e))
    return visit(t->getSubExpr(), Mode::Read, may);
  if (const auto *loop = dyn_cast<ArrayInitLoopExpr>(e))
    return visit(loop->getCommonExpr()->getSourceExpr(), Mode::Read, may);
  if (const auto *t = dyn_cast<CXXTypeidExpr>(e)) {
    if (t->isPotentiallyEvaluated() && !t->isTypeOperand())
      visit(t->getExprOperand(), Mode::Read, may);
    return;
  }
  if (is_inert(e))
    return;
  if (isa<CXXNewExpr>(e) || isa<CXXDeleteExpr>(e)) {
    unknown_effect(e, "allocates or frees memory with new or delete");
    return;
  }
  unknown_effect(e, std::string("is an expression of a kind weft does not model (") +
                        e->getStmtClassName() + ")");
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
               op && (op->getOperator() == OO_Subscript || op->getOperator() == OO_Call) &&
               known_class(op->getArg(0)->getType())) {
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
  if (isa<CallExpr>(root) || isa<CXXConstructExpr>(root)) {
    visit(root, Mode::ReadWrite, may); // a call's result: what the call returns may be written
    return;
  }
  if (const auto *member = dyn_cast<MemberExpr>(root); member && member->isArrow())
    visit(member->getBase(), Mode::Read, may);
  record_mode(array_of_expr(root), Mode::ReadWrite, {}, true, true, e);
}

/// Whether `t` is a std::tuple, std::pair or std::array none of whose elements is a
/// reference (a std::tie result holds references to other storage).
static bool std_tuple_of_values(QualType t) {
  const auto *record = t->getAsCXXRecordDecl();
  if (!record || !record->isInStdNamespace() || !record->getIdentifier())
    return false;
  const llvm::StringRef name = record->getName();
  if (name != "tuple" && name != "pair" && name != "array")
    return false;
  const TemplateArgumentList *args = template_args(t);
  if (!args)
    return false;
  for (const TemplateArgument &arg : args->asArray()) {
    if (arg.getKind() == TemplateArgument::Type && arg.getAsType()->isReferenceType())
      return false;
    if (arg.getKind() == TemplateArgument::Pack)
      for (const TemplateArgument &p : arg.pack_elements())
        if (p.getKind() != TemplateArgument::Type || p.getAsType()->isReferenceType())
          return false;
  }
  return true;
}

void ModelBuilder::visit_variable(const DeclRefExpr *ref, Mode mode, bool may) {
  if (const auto *binding = dyn_cast<BindingDecl>(ref->getDecl())) {
    // A binding of a tuple-like object is a reference bound to get<N>() of it, which
    // weft cannot follow in general; of the loop's own copy of a std::tuple, std::pair
    // or std::array of values (auto [a, b] = std::make_tuple(...)), it names a part of
    // that copy: the copy, as a whole.
    const auto *dd = dyn_cast_or_null<DecompositionDecl>(binding->getDecomposedDecl());
    if (binding->getHoldingVar() && dd && declared_in_loop(dd) && local_scope_.count(dd) &&
        !dd->getType()->isReferenceType() && std_tuple_of_values(dd->getType())) {
      record_mode(array_of_decl(dd), mode, {}, true, may, ref);
      return;
    }
    // A structured binding names a part of its decomposed object.
    if (const Expr *part = binding->getBinding()) {
      const Expr *saved = use_site_;
      use_site_ = ref; // accesses are reported where the binding is used
      visit(part, mode, may);
      use_site_ = saved;
    }
    return;
  }
  const auto *vd = cast<VarDecl>(ref->getDecl());
  if (constants_.count(vd))
    return; // replaced by its value wherever it is used
  auto bound = ref_bindings_.find(vd);
  if (bound != ref_bindings_.end()) {
    // A reference declared in the loop and bound to an element: the element.
    const Expr *saved = use_site_;
    use_site_ = ref;
    visit(bound->second, mode, may);
    use_site_ = saved;
    return;
  }
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
  // Reads of outer scalars the loop never writes, through any name, are loop
  // invariants: not recorded.
  if (scalar && mode == Mode::Read && !declared_in_loop(vd) && !written(vd) && !aliased(vd) &&
      !vd->getType()->isReferenceType())
    return;
  unsigned a = array_of(ref);
  if (m_.arrays[a].kind == ArrayKind::Pointer && mode == Mode::Read && !written(vd))
    return; // reading the pointer value itself; what it points to is accessed by p[i]
  record_mode(a, mode, {}, m_.arrays[a].rank > m_.arrays[a].private_dims, may, ref);
}

void ModelBuilder::visit_sparse_value(const VarDecl *entry, const Expr *e, Mode mode, bool may) {
  unsigned level = loop_var_level_[entry];
  const LoopLevel &lv = m_.levels[level];
  auto found = sparse_arrays_.find(level);
  WEFT_INTERNAL_ASSERT(found != sparse_arrays_.end(), "a sparse level without its array");
  unsigned array = found->second;
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
      auto found = sparse_arrays_.find(lv->second);
      WEFT_INTERNAL_ASSERT(found != sparse_arrays_.end(), "a sparse level without its array");
      unsigned array = found->second;
      record_mode(array, mode, {}, true, true, member);
      return;
    }
  }
  // A field of an object (or through a pointer): weft names it by its spelling. What
  // the object expression evaluates (a call, a pointer) is visited; a field of a
  // temporary is fresh storage of this iteration.
  const Expr *root = member;
  for (const auto *m = dyn_cast<MemberExpr>(root); m && !m->isArrow();
       m = dyn_cast<MemberExpr>(root->IgnoreParenImpCasts()))
    root = m->getBase();
  root = root->IgnoreParenImpCasts();
  if (member->isArrow()) {
    visit(member->getBase(), Mode::Read, may);
  } else if (const auto *m = dyn_cast<MemberExpr>(root); m && m->isArrow()) {
    visit(m->getBase(), Mode::Read, may);
  } else if (!isa<DeclRefExpr>(root) && !isa<CXXThisExpr>(root)) {
    visit(root, Mode::Read, may);
    if ((root->isPRValue() || isa<MaterializeTemporaryExpr>(root)) &&
        !through_reference_field(member))
      return; // a field of the temporary itself, not what a reference field names
  }
  QualType t = member->getType().getNonReferenceType();
  if (mode == Mode::Read && !t->isRecordType() && !t->isArrayType() && !t->isPointerType() &&
      invariant_field(member))
    return; // a scalar field the loop writes through no name: invariant
  unsigned a = array_of_expr(member);
  record_mode(a, mode, {}, m_.arrays[a].rank > 0, may, member);
}

/// Whether `member` or a field it is selected from (through '.') is a reference field:
/// the storage it names lies outside the object.
bool ModelBuilder::through_reference_field(const MemberExpr *member) {
  for (const auto *m = member; m; m = dyn_cast<MemberExpr>(m->getBase()->IgnoreParenImpCasts())) {
    if (m->getMemberDecl()->getType()->isReferenceType())
      return true;
    if (m->isArrow())
      return false;
  }
  return false;
}

/// Whether a scalar field read in the loop is invariant: its object is a variable the
/// loop and its aliases never write, and no write in the loop goes to that field (by
/// any spelling) or to a whole object of the field's class.
bool ModelBuilder::invariant_field(const MemberExpr *member) {
  const Expr *root = member;
  while (const auto *m = dyn_cast<MemberExpr>(root->IgnoreParenImpCasts())) {
    if (m->isArrow())
      return false; // through a pointer: whatever it points to may be written
    if (m->getMemberDecl()->getType()->isReferenceType())
      return false; // through a reference field: storage outside the object, bound to
                    // something weft does not follow (sc.s bound to W(3))
    root = m->getBase();
  }
  const auto *ref = dyn_cast<DeclRefExpr>(root->IgnoreParenImpCasts());
  const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
  if (!vd || written(vd) || aliased(vd) || declared_in_loop(vd))
    return false;
  if (!field_writes_scanned_) {
    field_writes_scanned_ = true;
    walk_with_ancestors(m_.levels[0].stmt,
                        [&](const Stmt *s, const std::vector<const Stmt *> &ancestors) {
                          const auto *m = dyn_cast<MemberExpr>(s);
                          if (!m || !isa<FieldDecl>(m->getMemberDecl()))
                            return;
                          if (classify_use(m, ancestors).write)
                            written_fields_.insert(cast<FieldDecl>(m->getMemberDecl()));
                        });
    for (const auto &[v, by] : writes_)
      if (const CXXRecordDecl *rd = v->getType().getNonReferenceType()->getAsCXXRecordDecl())
        written_classes_.insert(rd->getCanonicalDecl());
  }
  const auto *field = dyn_cast<FieldDecl>(member->getMemberDecl());
  if (!field || written_fields_.count(field))
    return false;
  for (const DeclContext *dc = field->getDeclContext(); dc; dc = dc->getParent())
    if (const auto *rd = dyn_cast<CXXRecordDecl>(dc))
      if (written_classes_.count(rd->getCanonicalDecl()))
        return false;
  return true;
}

} // namespace frontend
} // namespace weft
