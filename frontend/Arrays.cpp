//===- Arrays.cpp - The storage an access names, and recording accesses -------------===//
//
// Each variable (after following references) or unresolved expression the loop
// touches becomes one ArrayInfo; locals declared in the loop are privatized by
// expansion with the dims of their enclosing levels.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

namespace weft {
namespace frontend {

/// The canonical declaration a name refers to: references initialised from another
/// variable resolve to it; `may_alias` is set when a reference cannot be followed.
const ValueDecl *ModelBuilder::canonical(const ValueDecl *d, bool &may_alias) const {
  for (unsigned guard = 0; guard < 32; ++guard) {
    const auto *vd = dyn_cast<VarDecl>(d);
    if (!vd || !vd->getType()->isReferenceType())
      return d;
    const Expr *init = vd->getInit();
    const auto *ref = init ? dyn_cast<DeclRefExpr>(init->IgnoreParenImpCasts()) : nullptr;
    if (!ref) {
      may_alias = true; // a reference parameter, or bound to an expression
      return d;
    }
    d = ref->getDecl();
  }
  may_alias = true;
  return d;
}

namespace {

/// Arrays the rewrite names before the loop (Footprint, weft::rt::distinct) or the
/// analysis may assume distinct from other names of their type (docs/design.md,
/// "Aliasing"): each must be one fixed object for the whole loop.
bool named_before_loop(ArrayKind kind) {
  switch (kind) {
  case ArrayKind::DistArray:
  case ArrayKind::SparseArray:
  case ArrayKind::CArray:
  case ArrayKind::Vector:
  case ArrayKind::Accumulator:
  case ArrayKind::Buffer:
    return true;
  case ArrayKind::Pointer:
  case ArrayKind::Scalar:
  case ArrayKind::Object:
    return false;
  }
  return true;
}

} // namespace

unsigned ModelBuilder::array_of(const DeclRefExpr *ref) {
  // A structured binding is a name for a part of its decomposed object: `auto &[A, B] =
  // m` makes A the array m.A, and `auto [p, k] = s` makes p whatever the copy's field
  // names (through a reference field: what it is bound to, weft cannot tell). Named by
  // the binding's own declaration, A would be an array of its own, apart from m.A.
  if (const auto *binding = dyn_cast<BindingDecl>(ref->getDecl()))
    if (const Expr *part = binding->getBinding()) {
      part = part->IgnoreParenImpCasts();
      if (const auto *inner = dyn_cast<DeclRefExpr>(part))
        return array_of(inner); // a tuple-like binding's variable
      const Expr *saved = use_site_;
      use_site_ = ref; // what it reports, it reports where the binding is used
      unsigned a = array_of_expr(part);
      use_site_ = saved;
      return a;
    }
  unsigned a = array_of_decl(ref->getDecl());
  const ArrayInfo &info = m_.arrays[a];
  // The loop's own variables (the entry of a sparse range-for, a counter) and its
  // privatized locals are modelled; any other variable the loop declares (a reference
  // bound per iteration, a range-for element, a static local) is not one array that
  // can be named before the loop.
  const auto *vd = dyn_cast_or_null<VarDecl>(info.decl);
  if (!info.local && info.decl && named_before_loop(info.kind) && declared_in_loop(info.decl) &&
      !(vd && loop_var_level_.count(vd)))
    varying_array(ref, "'" + info.decl->getNameAsString() + "', which the loop declares");
  return a;
}

unsigned ModelBuilder::array_of_decl(const ValueDecl *decl) {
  bool may_alias = false;
  const ValueDecl *d = canonical(decl, may_alias);
  std::string key = "decl:" + std::to_string(reinterpret_cast<uintptr_t>(d));
  auto it = array_index_.find(key);
  if (it != array_index_.end())
    return it->second;

  ArrayInfo info;
  info.decl = d;
  info.declared_at = d->getLocation();
  info.may_alias = may_alias;
  info.name = unique_name(d->getNameAsString());
  classify(info, d->getType());
  // A reference declared in the loop names storage outside it: never privatized.
  if (const auto *vd = dyn_cast<VarDecl>(d);
      vd && declared_in_loop(vd) && local_scope_.count(vd) && !vd->getType()->isReferenceType() &&
      vd->hasLocalStorage()) { // a static local is one variable for all iterations
    info.local = true;
    for (unsigned l : local_scope_[vd])
      info.private_dims += m_.levels[l].dims.size();
    info.rank += info.private_dims;
  }
  if (info.kind == ArrayKind::Buffer)
    info.buffer_target = buffer_target_of(d);
  unsigned index = m_.arrays.size();
  m_.arrays.push_back(info);
  array_index_[key] = index;
  return index;
}

std::string ModelBuilder::iteration_dependent(const Expr *e) const {
  std::vector<const Stmt *> todo{e};
  while (!todo.empty()) {
    const Stmt *s = todo.back();
    todo.pop_back();
    if (!s)
      continue;
    if (const auto *ref = dyn_cast<DeclRefExpr>(s)) {
      const ValueDecl *d = ref->getDecl();
      if ((isa<VarDecl>(d) || isa<BindingDecl>(d)) && declared_in_loop(d)) {
        // The object a structured binding decomposes has no name of its own.
        if (const auto *dd = dyn_cast<DecompositionDecl>(d)) {
          std::string names;
          for (const BindingDecl *b : dd->bindings())
            names += (names.empty() ? "" : ", ") + b->getNameAsString();
          return "the object of 'auto [" + names + "]', which the loop declares";
        }
        return "'" + d->getNameAsString() + "', which the loop declares";
      }
      // An index or pointer the loop changes: another object in a later iteration.
      if (const auto *vd = dyn_cast<VarDecl>(d)) {
        QualType t = vd->getType().getNonReferenceType();
        if (!t->isRecordType() && !t->isArrayType() && (written(vd) || aliased(vd)))
          return "'" + vd->getNameAsString() + "', which the loop writes";
      }
    }
    for (const Stmt *child : s->children())
      todo.push_back(child);
  }
  return {};
}

/// Whether an unknown effect is already reported at `e`'s range (in the current
/// statement only, when `this_statement`): one name may be visited twice (the object of
/// a call, then the call; array_for_object before naming it), and says so once.
bool ModelBuilder::unknown_reported(const Expr *e, bool this_statement) const {
  return std::any_of(
      m_.unknown_effects.begin(), m_.unknown_effects.end(), [&](const UnknownEffect &u) {
        return u.range == e->getSourceRange() && (!this_statement || u.statement == current_stmt_);
      });
}

void ModelBuilder::varying_array(const Expr *e, const std::string &through) {
  if (unknown_reported(e, false))
    return;
  unknown_effect(e, "names an array through " + through +
                        ": it may be another array in another iteration, and weft names "
                        "each array once, before the loop");
}

/// The object a method runs on (`path` empty: `this`, `*this`) or a field path of it
/// (W, this->W, this->inner.W): one array per path, rooted at the function, so that
/// the object overlaps its fields and two paths overlap only along one path, as for a
/// variable (member_array). `this` is the same object in every iteration; another name
/// may denote it (a reference parameter of the class's type), so it may alias.
unsigned ModelBuilder::this_array(const Expr *e, const std::string &path) {
  const std::string key = "this:" + path;
  auto it = array_index_.find(key);
  if (it != array_index_.end())
    return it->second;
  ArrayInfo info;
  info.name = unique_name(text(e->getSourceRange()));
  info.may_alias = true;
  info.declared_at = e->getBeginLoc();
  info.root = function_;
  info.path = path;
  info.spelled = e;
  // `this` itself names the object it points to.
  const QualType type = e->getType();
  classify(info, path.empty() && type->isPointerType() ? type->getPointeeType() : type);
  unsigned index = m_.arrays.size();
  m_.arrays.push_back(info);
  array_index_[key] = index;
  return index;
}

/// An array named by an expression weft cannot resolve to a variable (a member, a call
/// result): one entry per spelling, assumed to alias anything of its type.
unsigned ModelBuilder::array_of_expr(const Expr *e) {
  if (std::optional<unsigned> a = member_array(e))
    return *a;
  if (isa<CXXThisExpr>(e->IgnoreParenImpCasts()))
    return this_array(e, "");
  unnameable_reference_field(e);
  // The same spelling may name another array elsewhere in the loop (a name shadowed by
  // a loop variable), so every use is checked, not only the first.
  ArrayInfo info;
  classify(info, e->getType());
  if (named_before_loop(info.kind))
    if (std::string through = iteration_dependent(e); !through.empty())
      varying_array(e, through);
  std::string spelling = text(e->getSourceRange());
  std::string key = "expr:" + spelling;
  auto it = array_index_.find(key);
  if (it != array_index_.end())
    return it->second;
  info.name = unique_name(spelling);
  info.may_alias = true;
  info.declared_at = e->getBeginLoc();
  info.spelled = e;
  unsigned index = m_.arrays.size();
  m_.arrays.push_back(info);
  array_index_[key] = index;
  return index;
}

/// A name through a reference field (s.per_item, s.inner.w) stands for whatever the
/// field was bound to. weft keeps such a name as storage of its own that may alias
/// same-typed storage, and names it outside the loop when it must (the run-time check
/// that two arrays are distinct, the footprint): possible only when the object holding
/// the field is a variable declared outside the loop, or `this`. Through an object the
/// loop declares (or a copy of one, a temporary, a call's result) the name means nothing
/// outside the loop: an unknown effect.
void ModelBuilder::unnameable_reference_field(const Expr *e) {
  const Expr *root = e->IgnoreParenImpCasts();
  const FieldDecl *reference = nullptr;
  while (const auto *m = dyn_cast<MemberExpr>(root)) {
    if (const auto *f = dyn_cast<FieldDecl>(m->getMemberDecl());
        f && f->getType()->isReferenceType())
      reference = f;
    root = m->getBase()->IgnoreParenImpCasts();
  }
  if (!reference || isa<CXXThisExpr>(root))
    return;
  const auto *ref = dyn_cast<DeclRefExpr>(root);
  const ValueDecl *var = ref && (isa<VarDecl>(ref->getDecl()) || isa<BindingDecl>(ref->getDecl()))
                             ? ref->getDecl()
                             : nullptr;
  if (var && !declared_in_loop(var))
    return;
  const Expr *where = use_site_ ? use_site_ : e;
  if (unknown_reported(where, true))
    return;
  std::string holder = !var ? "of an object the loop makes ('" + text(root->getSourceRange()) + "')"
                       : var->getNameAsString().empty()
                           ? std::string("of an object the loop declares")
                           : "of '" + var->getNameAsString() + "', which the loop declares";
  unknown_effect(where, "reads or writes through the reference member '" +
                            reference->getNameAsString() + "' " + holder +
                            ": weft cannot tell what it is bound to");
}

/// Whether `record` is a class of the standard library or of weft, whose members are
/// no storage a program names (a DistArray's elements are its own array).
static bool library_class(const CXXRecordDecl *record) {
  const DeclContext *dc = record->getDeclContext();
  while (dc && !dc->isTranslationUnit() && !isa<NamespaceDecl>(dc))
    dc = dc->getParent(); // nested classes
  for (const auto *ns = dyn_cast_or_null<NamespaceDecl>(dc); ns;
       ns = dyn_cast<NamespaceDecl>(ns->getParent()))
    if (ns->getParent()->isTranslationUnit())
      return ns->getName() == "std" || ns->getName() == "weft";
  return false;
}

/// The canonical types of what an object of type `t` holds by value, added to `out`:
/// the elements of a C array; the fields and bases of a class; the type arguments of a
/// class template of the standard library (std::array, std::vector, std::tuple,
/// std::optional: the elements it owns); through each of them, what they hold. Not the
/// members of weft's classes (a DistArray's elements are its own array) nor what
/// references and pointers reach.
static void add_held_inside(QualType t, const PrintingPolicy &policy, std::vector<std::string> &out,
                            std::set<const CXXRecordDecl *> &seen);

static void add_held_type(QualType t, const PrintingPolicy &policy, std::vector<std::string> &out,
                          std::set<const CXXRecordDecl *> &seen) {
  if (t->isReferenceType())
    return;
  t = t.getCanonicalType().getUnqualifiedType();
  out.push_back(t.getAsString(policy));
  add_held_inside(t, policy, out, seen);
}

static void add_held_inside(QualType t, const PrintingPolicy &policy, std::vector<std::string> &out,
                            std::set<const CXXRecordDecl *> &seen) {
  t = t.getCanonicalType();
  if (const ArrayType *at = t->getAsArrayTypeUnsafe()) {
    add_held_type(at->getElementType(), policy, out, seen);
    return;
  }
  const CXXRecordDecl *record = t->getAsCXXRecordDecl();
  record = record ? record->getDefinition() : nullptr;
  if (!record || !seen.insert(record).second)
    return;
  if (!library_class(record)) {
    for (const CXXBaseSpecifier &base : record->bases())
      add_held_type(base.getType(), policy, out, seen);
    for (const FieldDecl *field : record->fields())
      add_held_type(field->getType(), policy, out, seen);
    return;
  }
  const auto *spec = dyn_cast<ClassTemplateSpecializationDecl>(record);
  if (!spec || !record->isInStdNamespace())
    return;
  for (const TemplateArgument &arg : spec->getTemplateArgs().asArray()) {
    if (arg.getKind() == TemplateArgument::Type)
      add_held_type(arg.getAsType(), policy, out, seen);
    if (arg.getKind() == TemplateArgument::Pack)
      for (const TemplateArgument &p : arg.pack_elements())
        if (p.getKind() == TemplateArgument::Type)
          add_held_type(p.getAsType(), policy, out, seen);
  }
}

void ModelBuilder::classify(ArrayInfo &info, QualType type) {
  QualType t = type.getNonReferenceType();
  info.type_name = t.getCanonicalType().getUnqualifiedType().getAsString(ctx_.getPrintingPolicy());
  std::set<const CXXRecordDecl *> seen;
  add_held_inside(t, ctx_.getPrintingPolicy(), info.holds, seen);
  const TemplateArgumentList *args = template_args(t);
  auto arg_type = [&](unsigned i) {
    return args && args->size() > i && args->get(i).getKind() == TemplateArgument::Type
               ? args->get(i).getAsType().getUnqualifiedType().getAsString(ctx_.getPrintingPolicy())
               : std::string("?");
  };
  auto arg_int = [&](unsigned i) -> unsigned {
    return args && args->size() > i && args->get(i).getKind() == TemplateArgument::Integral
               ? static_cast<unsigned>(args->get(i).getAsIntegral().getZExtValue())
               : 0;
  };
  if (is_weft(t, "DistArray") || is_weft(t, "SparseArray") || is_weft(t, "Buffer")) {
    info.kind = is_weft(t, "DistArray")     ? ArrayKind::DistArray
                : is_weft(t, "SparseArray") ? ArrayKind::SparseArray
                                            : ArrayKind::Buffer;
    info.element_type = arg_type(0);
    info.rank = arg_int(1);
  } else if (is_weft(t, "Accumulator")) {
    info.kind = ArrayKind::Accumulator;
    info.element_type = arg_type(0);
    info.accumulator_op = arg_type(1);
  } else if (is_std_container(t)) {
    info.kind = ArrayKind::Vector;
    QualType elem = t;
    while (is_std_container(elem)) {
      ++info.rank;
      const TemplateArgumentList *a = template_args(elem);
      if (!a || a->size() == 0 || a->get(0).getKind() != TemplateArgument::Type)
        break;
      elem = a->get(0).getAsType();
    }
    info.element_type = elem.getUnqualifiedType().getAsString(ctx_.getPrintingPolicy());
  } else if (t->isArrayType()) {
    info.kind = ArrayKind::CArray;
    QualType elem = t;
    while (const ArrayType *at = elem->getAsArrayTypeUnsafe()) {
      ++info.rank;
      elem = at->getElementType();
    }
    info.element_type = elem.getUnqualifiedType().getAsString(ctx_.getPrintingPolicy());
  } else if (t->isPointerType()) {
    info.kind = ArrayKind::Pointer;
    info.may_alias = true;
    QualType elem = t;
    while (elem->isPointerType() || elem->isArrayType()) {
      ++info.rank;
      elem = elem->isPointerType() ? elem->getPointeeType()
                                   : QualType(elem->getAsArrayTypeUnsafe()->getElementType());
    }
    info.element_type = elem.getUnqualifiedType().getAsString(ctx_.getPrintingPolicy());
  } else if (t->isRecordType()) {
    info.kind = ArrayKind::Object;
    info.element_type = t.getUnqualifiedType().getAsString(ctx_.getPrintingPolicy());
  } else {
    info.kind = ArrayKind::Scalar;
    info.element_type = t.getUnqualifiedType().getAsString(ctx_.getPrintingPolicy());
  }
}

/// The DistArray a Buffer variable was constructed on (its first constructor argument).
std::string ModelBuilder::buffer_target_of(const ValueDecl *d) {
  const auto *vd = dyn_cast<VarDecl>(d);
  const Expr *init = vd ? vd->getInit() : nullptr;
  const auto *construct = init ? dyn_cast<CXXConstructExpr>(init->IgnoreImplicit()) : nullptr;
  if (!construct || construct->getNumArgs() == 0)
    return "?";
  const auto *ref = dyn_cast<DeclRefExpr>(construct->getArg(0)->IgnoreParenImpCasts());
  if (!ref)
    return "?";
  bool may_alias = false;
  return canonical(ref->getDecl(), may_alias)->getNameAsString();
}

void ModelBuilder::record(unsigned array, AccessKind kind, std::vector<Subscript> subscripts,
                          bool whole, bool may, std::string spelling, SourceRange range) {
  ArrayInfo &info = m_.arrays[array];
  // More subscripts than the array has dims (an element of a field of a local object,
  // copy.key[0], recorded on the object): the access touches the object as a whole.
  if (subscripts.size() + info.private_dims > info.rank) {
    subscripts.clear();
    whole = true;
  }
  if (info.rank == 0)
    whole = false;
  if (info.local) {
    // Privatized copy: the dims of the levels enclosing the declaration come first;
    // a whole access touches every element of this iteration's copy.
    std::vector<Subscript> expanded;
    const auto *vd = cast<VarDecl>(info.decl);
    for (unsigned l : local_scope_[vd])
      for (const std::string &d : m_.levels[l].dims) {
        Subscript s;
        s.affine = AffineExpr::variable(d);
        s.text = d;
        expanded.push_back(s);
      }
    if (whole) {
      for (unsigned i = info.private_dims; i < info.rank; ++i) {
        Subscript any;
        any.text = "*";
        any.unknown = "'" + spelling + "' is used as a whole";
        expanded.push_back(any);
      }
      whole = false;
    } else {
      expanded.insert(expanded.end(), subscripts.begin(), subscripts.end());
    }
    subscripts = std::move(expanded);
  }
  WEFT_INTERNAL_ASSERT(whole || subscripts.empty() || subscripts.size() == info.rank,
                       "an access to '" + info.name + "' with " +
                           std::to_string(subscripts.size()) + " subscripts for rank " +
                           std::to_string(info.rank));
  Access a;
  a.array = array;
  a.kind = kind;
  a.subscripts = std::move(subscripts);
  a.whole_array = whole;
  a.may = may;
  a.statement = current_stmt_;
  a.text = std::move(spelling);
  a.range = range;
  m_.accesses.push_back(std::move(a));
}

/// Reads and/or writes one access according to `mode` (read first, as `x += 1` does).
void ModelBuilder::record_mode(unsigned array, Mode mode, const std::vector<Subscript> &subs,
                               bool whole, bool may, const Expr *e) {
  if (use_site_)
    e = use_site_;
  std::string spelling = text(e->getSourceRange());
  if (mode == Mode::Read || mode == Mode::ReadWrite)
    record(array, AccessKind::Read, subs, whole, may, spelling, e->getSourceRange());
  if (mode == Mode::Write || mode == Mode::ReadWrite)
    record(array, AccessKind::Write, subs, whole, may, spelling, e->getSourceRange());
}

unsigned ModelBuilder::array_for_object(const Expr *object, bool may) {
  if (const auto *ref = dyn_cast<DeclRefExpr>(object)) {
    // A reference the loop binds to a variable or a field path (DistArray &A = g.even):
    // that storage, which is the same in every iteration, named as before the loop.
    const auto *vd = dyn_cast<VarDecl>(ref->getDecl());
    auto bound = vd ? ref_bindings_.find(vd) : ref_bindings_.end();
    if (bound != ref_bindings_.end() && is_field_path(bound->second))
      return array_for_object(bound->second->IgnoreParenImpCasts(), may);
    return array_of(ref);
  }
  if (std::optional<unsigned> a = member_array(object))
    return *a; // m.W: naming the field evaluates nothing

  visit(object, Mode::Read, may);
  return array_of_expr(object);
}

/// `base`, or `base_N` with the smallest N that no array of the model is named yet.
std::string ModelBuilder::unique_name(const std::string &base) const {
  auto taken = [&](const std::string &name) {
    return std::any_of(m_.arrays.begin(), m_.arrays.end(),
                       [&](const ArrayInfo &a) { return a.name == name; });
  };
  std::string name = base;
  for (unsigned n = 1; taken(name); ++n)
    name = base + "_" + std::to_string(n);
  return name;
}

/// A field reached from a variable through '.' only (m.W, m.inner.W): one array per
/// variable and path. Two paths of one variable are distinct storage; a path of a
/// variable that may alias (a reference parameter) may alias like the variable. A field
/// of a variable declared in the loop is an access to the iteration's whole copy.
std::optional<unsigned> ModelBuilder::member_array(const Expr *e) {
  std::vector<std::string> path;
  const Expr *root = e->IgnoreParenImpCasts();
  while (const auto *m = dyn_cast<MemberExpr>(root)) {
    // Through a pointer (but `this`), or a reference field: the storage is not the
    // variable's.
    const Expr *base = m->getBase()->IgnoreParenImpCasts();
    if ((m->isArrow() && !isa<CXXThisExpr>(base)) || !isa<FieldDecl>(m->getMemberDecl()) ||
        m->getMemberDecl()->getType()->isReferenceType())
      return std::nullopt;
    path.insert(path.begin(), m->getMemberDecl()->getNameAsString());
    root = base;
  }
  if (isa<CXXThisExpr>(root))
    return this_array(e, llvm::join(path, "."));
  const auto *ref = dyn_cast<DeclRefExpr>(root);
  const auto *var = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
  if (path.empty() || !var || loop_var_level_.count(var) || ref_bindings_.count(var))
    return std::nullopt;
  bool may_alias = false;
  const ValueDecl *d = canonical(var, may_alias);
  if (const auto *vd = dyn_cast<VarDecl>(d); vd && declared_in_loop(vd) && local_scope_.count(vd) &&
                                             !vd->getType()->isReferenceType() &&
                                             vd->hasLocalStorage())
    return array_of_decl(vd); // a field of this iteration's copy: the copy, as a whole
  // Any other variable of the loop (a range-for element, a reference bound per
  // iteration) is no fixed object: array_of_expr says so.
  if (declared_in_loop(d))
    return std::nullopt;
  std::string key =
      "member:" + std::to_string(reinterpret_cast<uintptr_t>(d)) + "." + llvm::join(path, ".");
  auto it = array_index_.find(key);
  if (it != array_index_.end())
    return it->second;
  ArrayInfo info;
  std::string spelling = text(e->getSourceRange());
  info.name = unique_name(spelling);
  info.may_alias = may_alias;
  info.declared_at = e->getBeginLoc();
  info.root = d;
  info.path = llvm::join(path, ".");
  info.spelled = e;
  classify(info, e->getType());
  unsigned index = m_.arrays.size();
  m_.arrays.push_back(info);
  array_index_[key] = index;
  return index;
}

} // namespace frontend
} // namespace weft
