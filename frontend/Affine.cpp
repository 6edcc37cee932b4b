//===- Affine.cpp - Subscripts and bounds as affine expressions ---------------------===//
//
// An expression is affine when it is an exact integer combination of loop dims, sparse
// keys and parameters (integer variables the loop never writes, and the sizes of arrays
// it never reshapes). Anything else is not affine, with the sub-expression that is not.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

namespace weft {
namespace frontend {

/// The constant that `inc` adds to `var`, if it is one of the forms of a counted loop.
std::optional<int64_t> ModelBuilder::increment_of(const Expr *inc, const VarDecl *var) {
  if (!inc)
    return std::nullopt;
  inc = inc->IgnoreParenImpCasts();
  if (const auto *u = dyn_cast<UnaryOperator>(inc)) {
    if (refers_to(u->getSubExpr(), var) && u->isIncrementDecrementOp())
      return u->isIncrementOp() ? 1 : -1;
    return std::nullopt;
  }
  const auto *b = dyn_cast<BinaryOperator>(inc);
  if (!b || !refers_to(b->getLHS(), var))
    return std::nullopt;
  std::optional<int64_t> c;
  if (b->getOpcode() == BO_AddAssign || b->getOpcode() == BO_SubAssign) {
    c = constant(b->getRHS());
    if (c && b->getOpcode() == BO_SubAssign)
      c = -*c;
  } else if (b->getOpcode() == BO_Assign) {
    const auto *sum = dyn_cast<BinaryOperator>(b->getRHS()->IgnoreParenImpCasts());
    if (sum && (sum->getOpcode() == BO_Add || sum->getOpcode() == BO_Sub)) {
      if (refers_to(sum->getLHS(), var))
        c = constant(sum->getRHS());
      else if (sum->getOpcode() == BO_Add && refers_to(sum->getRHS(), var))
        c = constant(sum->getLHS());
      if (c && sum->getOpcode() == BO_Sub)
        c = -*c;
    }
  }
  return c;
}

std::optional<int64_t> ModelBuilder::constant(const Expr *e) const {
  if (e->isValueDependent())
    return std::nullopt;
  Expr::EvalResult result;
  if (!e->EvaluateAsInt(result, ctx_) || !result.Val.isInt())
    return std::nullopt;
  const llvm::APSInt &v = result.Val.getInt();
  if (v.getMinSignedBits() > 64)
    return std::nullopt;
  return v.getExtValue();
}

bool ModelBuilder::refers_to(const Expr *e, const VarDecl *var) {
  const auto *ref = dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
  return ref && ref->getDecl() == var;
}

bool ModelBuilder::mentions(const Stmt *s, const VarDecl *var) {
  if (!s)
    return false;
  if (const auto *ref = dyn_cast<DeclRefExpr>(s))
    if (ref->getDecl() == var)
      return true;
  for (const Stmt *child : s->children())
    if (mentions(child, var))
      return true;
  return false;
}

Subscript ModelBuilder::subscript(const Expr *e) {
  Subscript s;
  s.text = text(e->getSourceRange());
  s.range = e->getSourceRange();
  s.affine = affine(e, s.unknown);
  if (s.affine)
    s.unknown.clear();
  return s;
}

bool ModelBuilder::level_in_scope(unsigned level) const {
  if (!current_ctx_)
    return false;
  for (unsigned l : current_ctx_->nest)
    if (l == level)
      return true;
  return false;
}

/// The sparse key dim that `e` reads (e.key[d] of an enclosing sparse range-for).
std::optional<std::string> ModelBuilder::sparse_key(const Expr *e) const {
  e = e->IgnoreParenImpCasts();
  const Expr *base = nullptr, *index = nullptr;
  if (const auto *op = dyn_cast<CXXOperatorCallExpr>(e)) {
    if (op->getOperator() != OO_Subscript || op->getNumArgs() != 2)
      return std::nullopt;
    base = op->getArg(0);
    index = op->getArg(1);
  } else if (const auto *as = dyn_cast<ArraySubscriptExpr>(e)) {
    base = as->getBase();
    index = as->getIdx();
  } else {
    return std::nullopt;
  }
  std::optional<unsigned> level = key_level(base);
  if (!level)
    return std::nullopt;
  std::optional<int64_t> d = constant(index);
  const LoopLevel &lv = m_.levels[*level];
  if (!d || *d < 0 || static_cast<size_t>(*d) >= lv.dims.size())
    return std::nullopt;
  return lv.dims[*d];
}

/// The enclosing sparse level whose key array `e` names: e.key of the level's entry,
/// through structured bindings (auto &[key, value] : R) and references declared in the
/// loop (const auto &key = e.key).
std::optional<unsigned> ModelBuilder::key_level(const Expr *e) const {
  e = e->IgnoreParenImpCasts();
  for (unsigned guard = 0; guard < 16; ++guard) {
    const auto *ref = dyn_cast<DeclRefExpr>(e);
    if (!ref)
      break;
    if (const auto *binding = dyn_cast<BindingDecl>(ref->getDecl());
        binding && binding->getBinding())
      e = binding->getBinding()->IgnoreParenImpCasts();
    else if (const auto *vd = dyn_cast<VarDecl>(ref->getDecl()); vd && ref_bindings_.count(vd))
      e = ref_bindings_.at(vd)->IgnoreParenImpCasts();
    else
      break;
  }
  const auto *member = dyn_cast<MemberExpr>(e);
  if (!member || member->getMemberDecl()->getName() != "key")
    return std::nullopt;
  const auto *ref = dyn_cast<DeclRefExpr>(member->getBase()->IgnoreParenImpCasts());
  const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
  auto it = vd ? loop_var_level_.find(vd) : loop_var_level_.end();
  if (it == loop_var_level_.end() || m_.levels[it->second].kind != LevelKind::SparseRange ||
      !level_in_scope(it->second))
    return std::nullopt;
  return it->second;
}

/// A structured binding of a copy of (or a reference to) a key array, by the tuple
/// protocol: const auto [u, i] = e.key binds u to get<0> of the copy, which is key[0]
/// as long as the loop never writes the bindings.
std::optional<std::string> ModelBuilder::bound_key(const BindingDecl *binding) const {
  const auto *dd = dyn_cast_or_null<DecompositionDecl>(binding->getDecomposedDecl());
  const VarDecl *holding = binding->getHoldingVar();
  if (!dd || !holding || !holding->getInit() || written(dd))
    return std::nullopt;
  const auto *call = dyn_cast<CallExpr>(holding->getInit()->IgnoreImplicit());
  const FunctionDecl *get = call ? call->getDirectCallee() : nullptr;
  const TemplateArgumentList *args = get ? get->getTemplateSpecializationArgs() : nullptr;
  if (!get || !get->getIdentifier() || get->getName() != "get" || !args || args->size() == 0 ||
      args->get(0).getKind() != TemplateArgument::Integral)
    return std::nullopt;
  const Expr *init = dd->getInit() ? dd->getInit()->IgnoreImplicit() : nullptr;
  if (const auto *copy = dyn_cast_or_null<CXXConstructExpr>(init);
      copy && copy->getNumArgs() == 1 && copy->getConstructor()->isCopyOrMoveConstructor())
    init = copy->getArg(0);
  std::optional<unsigned> level = init ? key_level(init) : std::nullopt;
  if (!level)
    return std::nullopt;
  uint64_t d = args->get(0).getAsIntegral().getZExtValue();
  const LoopLevel &lv = m_.levels[*level];
  if (d >= lv.dims.size())
    return std::nullopt;
  return lv.dims[d];
}

/// Whether converting from integer type `from` to `to` keeps every value that can
/// index an array: `to` holds all of `from`'s values, or `to` is 64 bits wide and only
/// values an index cannot have change (negative ones become at least 2^63, and values
/// of at least 2^63 become negative; no array has that many elements). A key converted
/// to uint8_t wraps around and is not affine.
bool ModelBuilder::holds_every_value(QualType from, QualType to) const {
  uint64_t wf = ctx_.getIntWidth(from), wt = ctx_.getIntWidth(to);
  bool sf = from->isSignedIntegerOrEnumerationType(), st = to->isSignedIntegerOrEnumerationType();
  if (wt < wf)
    return false;
  if (sf == st || wt == 64)
    return true;
  return st && wt > wf; // unsigned into a wider signed type
}

namespace {

/// Subscripts and bounds nest at most this deep; deeper ones are not affine. Each level
/// of affine() evaluates its whole sub-expression as a constant first, so the cost is
/// the expression's size times its depth.
constexpr unsigned kMaxAffineDepth = 256;

/// Whether `e` has a chain of more than `limit` sub-expressions, not counting
/// parentheses and implicit casts, which affine() passes without a level of its own
/// (an iterative walk that stops at the first such chain).
bool nests_deeper_than(const Expr *e, unsigned limit) {
  std::vector<std::pair<const Stmt *, unsigned>> work{{e, 1}};
  while (!work.empty()) {
    auto [s, depth] = work.back();
    work.pop_back();
    if (depth > limit)
      return true;
    const unsigned below = isa<ParenExpr, ImplicitCastExpr>(s) ? depth : depth + 1;
    for (const Stmt *child : s->children())
      if (child)
        work.push_back({child, below});
  }
  return false;
}

/// `text` cut to its first 60 characters, for messages about huge expressions.
std::string abbreviated(const std::string &text) {
  return text.size() <= 60 ? text : text.substr(0, 57) + "...";
}

} // namespace

/// `e` as an affine expression of the enclosing dims and parameters, or nullopt with
/// `why` naming the sub-expression that is not affine. Expressions nesting deeper than
/// kMaxAffineDepth are not affine (checked once, where affine() is entered).
std::optional<AffineExpr> ModelBuilder::affine(const Expr *e, std::string &why) {
  if (affine_depth_ == 0 ? nests_deeper_than(e, kMaxAffineDepth)
                         : affine_depth_ >= kMaxAffineDepth) {
    why = "'" + abbreviated(text(e->getSourceRange())) + "' nests deeper than " +
          std::to_string(kMaxAffineDepth) + " levels, more than weft takes as affine";
    return std::nullopt;
  }
  struct Level {
    unsigned &depth;
    ~Level() { --depth; }
  } level{++affine_depth_};
  return affine_expr(e, why);
}

std::optional<AffineExpr> ModelBuilder::affine_expr(const Expr *e, std::string &why) {
  e = e->IgnoreParens();
  if (const auto *cast = dyn_cast<CastExpr>(e)) {
    if (std::optional<int64_t> c = constant(e))
      return AffineExpr::constant_expr(*c); // the converted value
    QualType to = cast->getType(), from = cast->getSubExpr()->getType();
    CastKind kind = cast->getCastKind();
    if (kind == CK_LValueToRValue || kind == CK_NoOp)
      return affine(cast->getSubExpr(), why);
    if (kind != CK_IntegralCast || !is_integer(to) || !is_integer(from)) {
      why = "'" + text(e->getSourceRange()) + "' converts a non-integer value";
      return std::nullopt;
    }
    if (!holds_every_value(from, to)) {
      why = "'" + text(e->getSourceRange()) + "' converts '" +
            from.getCanonicalType().getUnqualifiedType().getAsString(ctx_.getPrintingPolicy()) +
            "' to '" + to.getUnqualifiedType().getAsString(ctx_.getPrintingPolicy()) +
            "', which may change the value";
      return std::nullopt;
    }
    return affine(cast->getSubExpr(), why);
  }
  if (std::optional<int64_t> c = constant(e))
    return AffineExpr::constant_expr(*c);
  if (std::optional<std::string> key = sparse_key(e))
    return AffineExpr::variable(*key);
  if (const auto *ref = dyn_cast<DeclRefExpr>(e))
    return affine_variable(ref, why);
  if (const auto *b = dyn_cast<BinaryOperator>(e)) {
    switch (b->getOpcode()) {
    case BO_Add:
    case BO_Sub:
    case BO_Mul: {
      std::optional<AffineExpr> l = affine(b->getLHS(), why);
      if (!l)
        return std::nullopt;
      std::optional<AffineExpr> r = affine(b->getRHS(), why);
      if (!r)
        return std::nullopt;
      std::optional<AffineExpr> out;
      if (b->getOpcode() == BO_Add) {
        out = l->plus(*r);
      } else if (b->getOpcode() == BO_Sub) {
        out = l->minus(*r);
      } else if (l->is_constant() || r->is_constant()) {
        out = l->is_constant() ? r->times(l->constant) : l->times(r->constant);
      } else {
        why = "'" + text(e->getSourceRange()) + "' multiplies two variables";
        return std::nullopt;
      }
      if (!out)
        why = "'" + text(e->getSourceRange()) + "' overflows 64-bit arithmetic";
      return out;
    }
    case BO_Div:
    case BO_Rem:
      why = "'" + text(e->getSourceRange()) + "' divides, which is not affine";
      return std::nullopt;
    case BO_Comma:
      return affine(b->getRHS(), why);
    default:
      why = "'" + text(e->getSourceRange()) + "' is not an affine expression";
      return std::nullopt;
    }
  }
  if (const auto *u = dyn_cast<UnaryOperator>(e)) {
    if (u->getOpcode() == UO_Plus)
      return affine(u->getSubExpr(), why);
    if (u->getOpcode() == UO_Minus) {
      std::optional<AffineExpr> s = affine(u->getSubExpr(), why);
      return s ? s->times(-1) : std::nullopt;
    }
    why = "'" + text(e->getSourceRange()) + "' has a side effect or is not affine";
    return std::nullopt;
  }
  if (std::optional<AffineExpr> p = size_parameter(e))
    return p;
  if (isa<ArraySubscriptExpr>(e) || isa<CXXOperatorCallExpr>(e) || isa<MemberExpr>(e) ||
      isa<CallExpr>(e)) {
    why = "'" + text(e->getSourceRange()) +
          "' is a value read from memory or returned by a call (an indirect subscript)";
    return std::nullopt;
  }
  why = "'" + text(e->getSourceRange()) +
        "' is not an affine expression of loop variables, sparse keys and parameters";
  return std::nullopt;
}

std::optional<AffineExpr> ModelBuilder::affine_variable(const DeclRefExpr *ref, std::string &why) {
  if (const auto *binding = dyn_cast<BindingDecl>(ref->getDecl())) {
    if (std::optional<std::string> key = bound_key(binding))
      return AffineExpr::variable(*key);
    if (const Expr *part = binding->getBinding())
      return affine(part, why);
  }
  const auto *vd = dyn_cast<VarDecl>(ref->getDecl());
  std::string name = ref->getDecl()->getNameAsString();
  if (!vd) {
    why = "'" + name + "' is not a variable";
    return std::nullopt;
  }
  auto lv = loop_var_level_.find(vd);
  if (lv != loop_var_level_.end() && level_in_scope(lv->second) &&
      m_.levels[lv->second].kind == LevelKind::Counted)
    return AffineExpr::variable(m_.levels[lv->second].dims.front());
  auto c = constants_.find(vd);
  if (c != constants_.end())
    return c->second;
  auto na = not_affine_.find(vd);
  if (na != not_affine_.end()) {
    why = "'" + name + "' holds a value that is not affine (" + na->second + ")";
    return std::nullopt;
  }
  if (!is_integer(vd->getType())) {
    why = "'" + name + "' is not an integer";
    return std::nullopt;
  }
  if (written(vd)) {
    why = "'" + name + "' is written inside the loop";
    return std::nullopt;
  }
  if (aliased(vd)) {
    why = "'" + name + "' may be written inside the loop through a pointer or reference";
    return std::nullopt;
  }
  if (declared_in_loop(vd)) {
    why = "'" + name + "' is declared in the loop without an affine initial value";
    return std::nullopt;
  }
  // An integer the loop never writes: a parameter.
  if (vd->getType()->isReferenceType()) {
    why = "'" + name + "' is a reference whose target may change";
    return std::nullopt;
  }
  const std::string p = param("var:" + std::to_string(reinterpret_cast<uintptr_t>(vd)), name);
  m_.param_source.emplace(p, text(ref->getSourceRange()));
  return AffineExpr::variable(p);
}

/// X.size() or X.shape()[d] of a weft array or std container the loop does not resize.
/// `declare` false only tests the form, without adding a parameter.
std::optional<AffineExpr> ModelBuilder::size_parameter(const Expr *e, bool declare) {
  e = e->IgnoreParenImpCasts();
  std::string suffix;
  const CXXMemberCallExpr *call = dyn_cast<CXXMemberCallExpr>(e);
  if (const auto *op = dyn_cast<CXXOperatorCallExpr>(e)) {
    if (op->getOperator() != OO_Subscript || op->getNumArgs() != 2)
      return std::nullopt;
    call = dyn_cast<CXXMemberCallExpr>(op->getArg(0)->IgnoreParenImpCasts());
    std::optional<int64_t> d = constant(op->getArg(1));
    if (!call || !d || call->getMethodDecl()->getName() != "shape")
      return std::nullopt;
    suffix = "_shape" + std::to_string(*d);
  } else if (call && call->getMethodDecl() && call->getMethodDecl()->getIdentifier() &&
             call->getMethodDecl()->getName() == "size") {
    suffix = "_size";
  } else {
    return std::nullopt;
  }
  const Expr *object = call->getImplicitObjectArgument();
  const auto *ref = object ? dyn_cast<DeclRefExpr>(object->IgnoreParenImpCasts()) : nullptr;
  const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
  if (!vd || reshaped_.count(vd) || declared_in_loop(vd))
    return std::nullopt;
  QualType t = vd->getType();
  if (!is_weft(t, "DistArray") && !is_weft(t, "SparseArray") && !is_std_container(t))
    return std::nullopt;
  std::string name = vd->getNameAsString();
  if (!declare)
    return AffineExpr::constant_expr(0);
  const std::string p =
      param("size:" + std::to_string(reinterpret_cast<uintptr_t>(vd)) + suffix, name + suffix);
  m_.param_source.emplace(p, text(e->getSourceRange()));
  return AffineExpr::variable(p);
}

} // namespace frontend
} // namespace weft
