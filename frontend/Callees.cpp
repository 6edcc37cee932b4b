//===- Callees.cpp - Calls: their sites and the summaries of their callees ---===//
//
// A call site reads its arguments and the object of a method; an argument bound to a
// non-const reference is also written when the callee's summary says it writes that
// parameter. A callee's summary is computed from its visible body, fail closed:
//
//   transparent  the body (with a constructor's member initializers, a destructor's
//                member and base destructors) writes only its own locals, by-value
//                parameters, its reference parameters (directly or through their
//                elements and fields), and the fields of its object (non-const methods,
//                constructors, destructors); reads nothing through a pointer and no
//                mutable global or static variable; uses only what a lambda captured by
//                copy; and calls only transparent functions, math functions and the
//                methods of weft's classes and std containers. The call site names
//                what the callee touches by its arguments and object, so the body must
//                reach nothing else through them: no access through a reference member
//                (of anything: an alias of what it was bound to, which is unknown
//                here), no cast that drops const (the call site reads a const
//                reference argument), no write of a mutable field of a const object.
//   unknown      anything else, with the first reason found: the body is not visible,
//                a virtual call or a call through a pointer, a global or static, a
//                pointer dereference, a reference member, a cast away from const, a
//                mutable field of a const object written, new/delete, throw, inline
//                assembly, recursion, a construct outside the closed list of Effects.cpp.
//
// A call whose callee is unknown has unknown effects (the loop stays sequential); a
// write through a reference a call returns is an unknown effect at the call site.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

namespace weft {
namespace frontend {

//===----------------------------------------------------------------------===//
// Call sites
//===----------------------------------------------------------------------===//

void ModelBuilder::visit_call(const CallExpr *call, Mode mode, bool may) {
  const FunctionDecl *fd = call->getDirectCallee();
  if (fd && visit_declared_call(call, fd, may))
    return;
  if (declares_view(fd)) {
    unknown_effect(call, "makes a view that weft cannot follow outside the argument of a "
                         "weft::nn operation: pass it directly in the call");
    for (const Expr *arg : call->arguments())
      visit(arg, Mode::Read, may);
    return;
  }
  const auto *md = dyn_cast_or_null<CXXMethodDecl>(fd);
  Call record_call;
  record_call.statement = current_stmt_;
  record_call.range = call->getSourceRange();
  record_call.callee =
      fd ? fd->getQualifiedNameAsString() : text(call->getCallee()->getSourceRange());
  if (md && md->getParent()->isLambda())
    record_call.callee = "lambda at " + location_string(md->getParent()->getLocation(), sm_);
  const CalleeSummary *summary = nullptr;
  if (!fd) {
    record_call.why = "it calls through a function pointer or a callable object";
  } else if (virtual_dispatch(call, md)) {
    record_call.why = "it is a virtual call, and the override that runs is not known";
  } else if (!ends_program(fd)) {
    summary = &summarize(fd, 0);
    record_call.why = summary->unknown;
  }
  record_call.unknown_effects = !record_call.why.empty();
  bool transparent = summary && summary->unknown.empty();
  record_call.summarized = transparent && !is_pure_library_function(fd);

  // The object of a method: read by a const method, read and written by another.
  unsigned first = 0;
  const Expr *object = nullptr;
  if (const auto *mc = dyn_cast<CXXMemberCallExpr>(call))
    object = mc->getImplicitObjectArgument();
  else if (isa<CXXOperatorCallExpr>(call) && md)
    object = call->getArg(first++);
  if (object && md && !md->isStatic()) {
    if (isa<CXXThisExpr>(object->IgnoreParenImpCasts()))
      unknown_effect(call, "calls a method on this object, whose fields weft does not name");
    else
      visit_argument(object, !md->isConst(), may);
  } else if (!object) {
    visit(call->getCallee(), Mode::Read, may);
  }
  // Arguments bound to non-const references: read, and written when the callee writes
  // that parameter (a callee weft cannot see may write every one).
  for (unsigned i = first; i < call->getNumArgs(); ++i) {
    bool writable = true; // through a pointer or reference, or variadic
    if (fd && i - first < fd->getNumParams()) {
      QualType t = fd->getParamDecl(i - first)->getType();
      bool reference = t->isReferenceType() && !t.getNonReferenceType().isConstQualified();
      bool pointer = t->isPointerType() && !t->getPointeeType().isConstQualified();
      writable =
          reference ? !transparent || summary->writes_param[i - first] : pointer && !transparent;
    }
    visit_argument(call->getArg(i), writable, may);
  }
  // The result: a write through a returned reference goes to storage weft cannot name.
  if (mode != Mode::Read && fd) {
    QualType r = fd->getReturnType();
    if (r->isReferenceType() && !r.getNonReferenceType().isConstQualified())
      unknown_effect(call,
                     "writes through the reference that '" + record_call.callee + "' returns");
  }
  m_.calls.push_back(record_call);
}

/// A constructor call. weft's classes and std containers of such elements are known;
/// a trivial constructor copies or zeroes; any other is summarized like a call.
void ModelBuilder::visit_construct(const CXXConstructExpr *construct, bool may) {
  const CXXConstructorDecl *ctor = construct->getConstructor();
  QualType type = construct->getType();
  if (known_class(type)) {
    // A container constructs its elements with their constructors, which weft must see
    // (an empty or copied std::vector runs none of them).
    bool constructs = !(class_name(type) == "std::vector" && ctor &&
                        (construct->getNumArgs() == 0 || ctor->isCopyOrMoveConstructor()));
    if (std::string why = constructs ? element_construction(type) : ""; !why.empty()) {
      Call c;
      c.callee = ctor ? ctor->getQualifiedNameAsString() : class_name(type);
      c.unknown_effects = true;
      c.why = why;
      c.statement = current_stmt_;
      c.range = construct->getSourceRange();
      m_.calls.push_back(c);
    }
    // A Buffer keeps a handle to its target; constructing it touches no element.
    unsigned skip = is_weft(type, "Buffer") ? 1 : 0;
    for (unsigned i = skip; i < construct->getNumArgs(); ++i)
      visit_argument(construct->getArg(i), false, may);
    return;
  }
  const CalleeSummary *summary = nullptr;
  if (ctor && !ctor->isTrivial()) {
    summary = &summarize(ctor, 0);
    if (!summary->unknown.empty()) {
      Call c;
      c.callee = ctor->getQualifiedNameAsString();
      c.unknown_effects = true;
      c.why = summary->unknown;
      c.statement = current_stmt_;
      c.range = construct->getSourceRange();
      m_.calls.push_back(c);
    }
  }
  bool transparent = !ctor || ctor->isTrivial() || summary->unknown.empty();
  for (unsigned i = 0; i < construct->getNumArgs(); ++i) {
    bool writable = false;
    if (ctor && i < ctor->getNumParams()) {
      QualType t = ctor->getParamDecl(i)->getType();
      bool reference = t->isReferenceType() && !t.getNonReferenceType().isConstQualified();
      writable = reference && (!transparent || !summary || summary->writes_param[i]);
    }
    visit_argument(construct->getArg(i), writable, may);
  }
}

/// The destructor of an object of `type` that the loop ends (a local or a temporary).
void ModelBuilder::destructor_effects(const CXXDestructorDecl *dtor, const Expr *where, bool may) {
  (void)may;
  if (!dtor || dtor->isTrivial() || known_class(ctx_.getRecordType(dtor->getParent())))
    return;
  const CalleeSummary &s = summarize(dtor, 0);
  if (s.unknown.empty())
    return;
  Call c;
  c.callee = dtor->getQualifiedNameAsString();
  c.unknown_effects = true;
  c.why = s.unknown;
  c.statement = current_stmt_;
  c.range = where->getSourceRange();
  m_.calls.push_back(c);
}

/// An argument: its value is read; a class object or array passed by reference is
/// read as a whole; one that may be written is read and written (precisely when it
/// names an element: a callee binds its reference parameter to that element).
void ModelBuilder::visit_argument(const Expr *arg, bool writable, bool may) {
  const Expr *bare = arg->IgnoreParenImpCasts();
  QualType t = bare->getType();
  bool storage = t->isRecordType() || t->isArrayType() || t->isPointerType();
  if (writable && bare->isGLValue()) {
    visit(arg, Mode::ReadWrite, true);
    return;
  }
  if (writable && t->isPointerType()) {
    if (isa<UnaryOperator>(bare)) {
      escape(cast<UnaryOperator>(bare)->getSubExpr(), may);
    } else {
      visit(bare, Mode::Read, may);
      escape_pointer(bare);
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
      if (vd && !ref_bindings_.count(vd)) {
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

//===----------------------------------------------------------------------===//
// What is known without a summary
//===----------------------------------------------------------------------===//

bool ModelBuilder::known_class(QualType type) const {
  static const std::set<std::string> known = {
      "weft::DistArray",      "weft::SparseArray", "weft::Accumulator", "weft::Buffer",
      "weft::Entry",          "weft::ApplyAdd",    "std::vector",       "std::array",
      "std::basic_string",    "std::pair",         "std::complex",      "std::allocator",
      "std::initializer_list"};
  type = type.getNonReferenceType().getCanonicalType();
  if (!known.count(class_name(type)))
    return false;
  // A container's own members are known; its elements' special members must be too.
  if (const TemplateArgumentList *args = template_args(type))
    for (const TemplateArgument &arg : args->asArray()) {
      if (arg.getKind() != TemplateArgument::Type)
        continue;
      QualType t = arg.getAsType().getCanonicalType();
      if (const CXXRecordDecl *rd = t->getAsCXXRecordDecl(); rd && rd->hasDefinition())
        if (!known_class(t) && !class_name(t).empty() &&
            !(rd->hasTrivialDestructor() && rd->isTriviallyCopyable()) && !rd->isLambda() &&
            class_name(t) != "weft::ApplyAdd")
          return false;
    }
  return true;
}

std::string ModelBuilder::element_construction(QualType type) {
  type = type.getNonReferenceType().getCanonicalType();
  const std::string name = class_name(type);
  if (name == "std::allocator" || name == "std::initializer_list")
    return ""; // constructs no element (a list's are constructed where it is written)
  const TemplateArgumentList *args = template_args(type);
  if (!args)
    return "";
  for (const TemplateArgument &arg : args->asArray()) {
    if (arg.getKind() != TemplateArgument::Type)
      continue;
    QualType t = arg.getAsType().getCanonicalType();
    const CXXRecordDecl *rd = t->getAsCXXRecordDecl();
    if (!rd || !rd->hasDefinition() || rd->isLambda() || class_name(t) == "weft::ApplyAdd")
      continue;
    if (known_class(t)) {
      if (std::string why = element_construction(t); !why.empty())
        return why;
      continue;
    }
    // Every constructor the container may run: default, converting, emplacing (copies
    // are trivial: known_class asks for trivially copyable elements).
    std::vector<const CXXConstructorDecl *> ctors(rd->ctor_begin(), rd->ctor_end());
    for (const Decl *d : rd->decls())
      if (const auto *ft = dyn_cast<FunctionTemplateDecl>(d))
        for (const FunctionDecl *spec : ft->specializations())
          if (const auto *ctor = dyn_cast<CXXConstructorDecl>(spec))
            ctors.push_back(ctor);
    for (const CXXConstructorDecl *ctor : ctors) {
      if (ctor->isDeleted() || ctor->isTrivial() || (ctor->isImplicit() && !ctor->isDefined()))
        continue; // never runs (an implicit constructor is defined where it is used)
      const std::string what = "it calls the constructor of '" + rd->getNameAsString() + "'";
      for (const ParmVarDecl *p : ctor->parameters())
        if (p->hasDefaultArg() && (p->hasUninstantiatedDefaultArg() || p->hasUnparsedDefaultArg() ||
                                   !p->getDefaultArg()->isEvaluatable(ctx_)))
          return what + ", whose default argument for '" + p->getNameAsString() +
                 "' weft does not follow";
      const CalleeSummary &s = summarize(ctor, 0);
      if (!s.unknown.empty())
        return what + ", and " + s.unknown;
    }
  }
  return "";
}

bool ModelBuilder::may_throw(QualType object, const CXXMethodDecl *md) {
  if (!md || !md->getIdentifier())
    return false;
  if (const auto *proto = md->getType()->getAs<FunctionProtoType>(); proto && proto->isNothrow())
    return false;
  const std::string name = md->getName().str();
  const std::string cls = class_name(object.getNonReferenceType());
  if (name == "at")
    return cls.rfind("std::", 0) == 0;
  static const std::set<std::string> positional = {"substr",  "compare", "insert", "erase",
                                                   "replace", "copy",    "append", "assign"};
  return cls == "std::basic_string" && positional.count(name);
}

bool ModelBuilder::virtual_dispatch(const CallExpr *call, const CXXMethodDecl *md) const {
  if (!md || !md->isVirtual())
    return false;
  const Expr *object = nullptr;
  if (const auto *mc = dyn_cast<CXXMemberCallExpr>(call)) {
    if (const auto *me = dyn_cast<MemberExpr>(mc->getCallee()->IgnoreParens());
        me && me->hasQualifier())
      return false; // Base::f(): no dispatch
    object = mc->getImplicitObjectArgument();
  } else if (call->getNumArgs() > 0) {
    object = call->getArg(0);
  }
  return !object || !md->getDevirtualizedMethod(object, /*IsAppleKext=*/false);
}

bool ModelBuilder::ends_program(const FunctionDecl *fd) {
  static const std::set<std::string> names = {
      "abort", "_Exit", "__assert_fail", "__assert_perror_fail", "__assert_rtn", "terminate"};
  const IdentifierInfo *id = fd->getIdentifier();
  return fd->isNoReturn() && id && names.count(id->getName().str());
}

//===----------------------------------------------------------------------===//
// Callee summaries
//===----------------------------------------------------------------------===//

namespace {

bool is_modelled_statement(const Stmt *s) {
  return isa<CompoundStmt>(s) || isa<DeclStmt>(s) || isa<ReturnStmt>(s) || isa<IfStmt>(s) ||
         isa<ForStmt>(s) || isa<WhileStmt>(s) || isa<DoStmt>(s) || isa<CXXForRangeStmt>(s) ||
         isa<SwitchStmt>(s) || isa<SwitchCase>(s) || isa<BreakStmt>(s) || isa<ContinueStmt>(s) ||
         isa<NullStmt>(s) || isa<LabelStmt>(s) || isa<GotoStmt>(s) || isa<AttributedStmt>(s) ||
         isa<CXXTryStmt>(s) || isa<CXXCatchStmt>(s);
}

bool is_modelled_expression(const Expr *e) {
  return isa<ParenExpr>(e) || isa<FullExpr>(e) || isa<MaterializeTemporaryExpr>(e) ||
         isa<CXXBindTemporaryExpr>(e) || isa<CXXDefaultArgExpr>(e) || isa<CXXDefaultInitExpr>(e) ||
         isa<SubstNonTypeTemplateParmExpr>(e) || isa<OpaqueValueExpr>(e) || isa<CastExpr>(e) ||
         isa<BinaryOperator>(e) || isa<UnaryOperator>(e) || isa<AbstractConditionalOperator>(e) ||
         isa<DeclRefExpr>(e) || isa<MemberExpr>(e) || isa<ArraySubscriptExpr>(e) ||
         isa<CallExpr>(e) || isa<CXXConstructExpr>(e) || isa<InitListExpr>(e) ||
         isa<CXXStdInitializerListExpr>(e) || isa<LambdaExpr>(e) || isa<ArrayInitLoopExpr>(e) ||
         isa<ArrayInitIndexExpr>(e) || isa<IntegerLiteral>(e) || isa<FloatingLiteral>(e) ||
         isa<CXXBoolLiteralExpr>(e) || isa<CharacterLiteral>(e) || isa<StringLiteral>(e) ||
         isa<CXXNullPtrLiteralExpr>(e) || isa<PredefinedExpr>(e) ||
         isa<CXXScalarValueInitExpr>(e) || isa<ImplicitValueInitExpr>(e) ||
         isa<UnaryExprOrTypeTraitExpr>(e) || isa<TypeTraitExpr>(e) || isa<CXXNoexceptExpr>(e) ||
         isa<CXXThisExpr>(e) || isa<GNUNullExpr>(e);
}

/// Whether the object `member` selects its field from is const (through a pointer:
/// the object pointed to).
bool object_is_const(const MemberExpr *member) {
  QualType t = member->getBase()->getType();
  if (member->isArrow())
    t = t->isPointerType() ? t->getPointeeType() : QualType();
  return t.isNull() || t.isConstQualified();
}

/// Whether `cast` makes a const object (or what a pointer to const points to) writable:
/// every const_cast, and a C-style or functional cast whose result drops a const its
/// operand has.
bool casts_away_const(const ExplicitCastExpr *cast) {
  if (isa<CXXConstCastExpr>(cast))
    return true;
  if (!isa<CStyleCastExpr>(cast) && !isa<CXXFunctionalCastExpr>(cast))
    return false;
  QualType from = cast->getSubExpr()->getType();
  QualType to = cast->getType();
  if (cast->isGLValue() && from.isConstQualified() && !to.isConstQualified())
    return true;
  // Pointers: a const at any level the result no longer has.
  while (from->isPointerType() && to->isPointerType()) {
    from = from->getPointeeType();
    to = to->getPointeeType();
    if (from.isConstQualified() && !to.isConstQualified())
      return true;
  }
  return false;
}

/// Whether `fd` is `def` or a lambda or block nested in it.
bool within(const DeclContext *dc, const FunctionDecl *def) {
  for (; dc; dc = dc->getParent())
    if (dc == def)
      return true;
  return false;
}

} // namespace

const CalleeSummary &ModelBuilder::summarize(const FunctionDecl *fd, unsigned depth) {
  const FunctionDecl *key = fd->getCanonicalDecl();
  auto cached = summaries_.find(key);
  if (cached != summaries_.end())
    return cached->second;
  CalleeSummary &s = summaries_[key];
  s.writes_param.assign(fd->getNumParams(), false);
  if (is_pure_library_function(fd))
    return s;
  const FunctionDecl *def = nullptr;
  if (!fd->hasBody(def) || !def || !def->getBody()) {
    s.unknown = "its body is not visible";
    return s;
  }
  if (depth > 8) {
    s.unknown = "its calls nest too deeply to follow";
    return s;
  }
  s.unknown = "it is recursive"; // while its body is scanned
  std::vector<bool> writes(fd->getNumParams(), false);
  std::string why = scan_callee(def, depth, writes);
  CalleeSummary &out = summaries_[key];
  out.unknown = why;
  out.writes_param = writes;
  return out;
}

std::string ModelBuilder::scan_callee(const FunctionDecl *def, unsigned depth,
                                      std::vector<bool> &writes_param) {
  const auto *method = dyn_cast<CXXMethodDecl>(def);
  const CXXRecordDecl *closure =
      method && method->getParent()->isLambda() ? method->getParent() : nullptr;
  llvm::DenseMap<const VarDecl *, FieldDecl *> captures;
  FieldDecl *this_capture = nullptr;
  if (closure)
    closure->getCaptureFields(captures, this_capture);
  std::string why;
  auto callee_why = [&](const FunctionDecl *callee, const std::string &what) {
    const CalleeSummary &inner = summarize(callee, depth + 1);
    if (!inner.unknown.empty() && why.empty())
      why = "it calls " + what + ", and " + inner.unknown;
  };
  auto destructor = [&](QualType t) {
    const CXXRecordDecl *rd = t->getBaseElementTypeUnsafe()->getAsCXXRecordDecl();
    if (rd && rd->hasDefinition() && !rd->hasTrivialDestructor() && !known_class(t) &&
        rd->getDestructor())
      callee_why(rd->getDestructor(), "the destructor of '" + rd->getNameAsString() + "'");
  };
  auto check = [&](const Stmt *s, const std::vector<const Stmt *> &ancestors) {
    if (!why.empty())
      return;
    const auto *e = dyn_cast<Expr>(s);
    if (!e) {
      if (isa<GCCAsmStmt>(s) || isa<MSAsmStmt>(s))
        why = "it contains inline assembly";
      else if (!is_modelled_statement(s))
        why = std::string("it contains a statement weft does not model (") + s->getStmtClassName() +
              ")";
      else if (const auto *ds = dyn_cast<DeclStmt>(s))
        for (const Decl *d : ds->decls())
          if (const auto *vd = dyn_cast<VarDecl>(d); vd && vd->hasLocalStorage())
            destructor(vd->getType());
      return;
    }
    if (isa<CXXNewExpr>(e) || isa<CXXDeleteExpr>(e)) {
      why = "it allocates or frees memory with new or delete";
      return;
    }
    if (isa<CXXThrowExpr>(e)) {
      why = "it may throw";
      return;
    }
    if (!is_modelled_expression(e)) {
      why = std::string("it contains an expression weft does not model (") + e->getStmtClassName() +
            ")";
      return;
    }
    if (const auto *ref = dyn_cast<DeclRefExpr>(e)) {
      const auto *vd = dyn_cast<VarDecl>(ref->getDecl());
      if (!vd)
        return;
      if (vd->hasGlobalStorage()) {
        if (!vd->getType().isConstQualified())
          why = std::string("it uses the ") + (vd->isStaticLocal() ? "static" : "global") +
                " variable '" + vd->getNameAsString() + "'";
        return;
      }
      if (const auto *pd = dyn_cast<ParmVarDecl>(vd); pd && pd->getDeclContext() == def) {
        QualType t = pd->getType();
        if (t->isReferenceType() && !t.getNonReferenceType().isConstQualified()) {
          UseKind k = classify_use(ref, ancestors);
          if (k.write || k.binds)
            writes_param[pd->getFunctionScopeIndex()] = true;
        }
        return;
      }
      if (within(vd->getDeclContext(), def)) {
        if (vd->isInitCapture() && vd->getType()->isReferenceType())
          why = "it uses '" + vd->getNameAsString() + "', captured by reference";
        return; // its own local
      }
      auto capture = captures.find(vd);
      if (capture != captures.end() && !capture->second->getType()->isReferenceType())
        return; // captured by copy: a field of the closure object
      why = "it uses '" + vd->getNameAsString() + "', captured by reference";
      return;
    }
    if (isa<CXXThisExpr>(e)) {
      if (closure)
        why = "it uses the captured 'this'";
      return;
    }
    if (const auto *member = dyn_cast<MemberExpr>(e)) {
      const auto *field = dyn_cast<FieldDecl>(member->getMemberDecl());
      // A reference field names whatever it was bound to, which the summary cannot know
      // (the caller's W, an accumulator the loop reduces into): reading or writing
      // through it is an unknown effect, whichever object holds it.
      if (field && field->getType()->isReferenceType()) {
        why = "it reads or writes through the reference member '" + field->getNameAsString() + "'";
        return;
      }
      if (member->isArrow() && !isa<CXXThisExpr>(member->getBase()->IgnoreParenImpCasts())) {
        why = "it reads or writes through the pointer '" +
              text(member->getBase()->getSourceRange()) + "'";
        return;
      }
      // A mutable field of a const object (a const method's own object, a const
      // reference parameter): the caller counts that object as read only.
      if (field && field->isMutable() && object_is_const(member) &&
          classify_use(member, ancestors).write)
        why = "it writes the mutable field '" + field->getNameAsString() + "'";
      return;
    }
    // const_cast, or a C-style cast that drops const: a "const" parameter or object
    // becomes writable, which the caller counts as read only.
    if (const auto *cast = dyn_cast<ExplicitCastExpr>(e); cast && casts_away_const(cast)) {
      why = "it casts away const ('" + text(cast->getSourceRange()) + "')";
      return;
    }
    // A cast to a derived class, or a reinterpretation: the object reaches storage its
    // parameter's type does not hold (static_cast<const Derived &>(base).W), which the
    // caller does not count.
    if (const auto *cast = dyn_cast<ExplicitCastExpr>(e);
        cast && (cast->getCastKind() == CK_BaseToDerived || cast->getCastKind() == CK_Dynamic ||
                 cast->getCastKind() == CK_LValueBitCast || cast->getCastKind() == CK_BitCast ||
                 cast->getCastKind() == CK_ReinterpretMemberPointer)) {
      why = "it casts to another class ('" + text(cast->getSourceRange()) + "')";
      return;
    }
    if (const auto *u = dyn_cast<UnaryOperator>(e); u && u->getOpcode() == UO_Deref) {
      if (!isa<CXXThisExpr>(u->getSubExpr()->IgnoreParenImpCasts()))
        why = "it reads or writes through the pointer '" + text(u->getSubExpr()->getSourceRange()) +
              "'";
      return;
    }
    if (const auto *as = dyn_cast<ArraySubscriptExpr>(e)) {
      const Expr *base = as->getBase()->IgnoreParenImpCasts();
      if (!base->getType()->isArrayType())
        why = "it reads or writes through the pointer '" + text(base->getSourceRange()) + "'";
      return;
    }
    if (const auto *b = dyn_cast<BinaryOperator>(e); b && b->isPtrMemOp()) {
      why = "it accesses a member through a member pointer";
      return;
    }
    if (const auto *call = dyn_cast<CallExpr>(e)) {
      const FunctionDecl *callee = call->getDirectCallee();
      const auto *md = dyn_cast_or_null<CXXMethodDecl>(callee);
      if (!callee) {
        why = "it calls through a function pointer or a callable object";
        return;
      }
      if (virtual_dispatch(call, md)) {
        why = "it makes a virtual call to '" + callee->getQualifiedNameAsString() + "'";
        return;
      }
      if (ends_program(callee))
        return;
      if (md && !md->isStatic()) {
        const Expr *object = isa<CXXMemberCallExpr>(call)
                                 ? cast<CXXMemberCallExpr>(call)->getImplicitObjectArgument()
                                 : call->getArg(0);
        QualType type = object ? object->getType() : QualType();
        if (object && type->isPointerType())
          type = type->getPointeeType();
        if (object && known_class(type)) {
          // element access and methods of weft's classes and std containers; one that
          // may construct elements runs their constructors
          if (may_throw(type, md))
            why = "it calls '" + class_name(type) + "::" + md->getNameAsString() +
                  "', which may throw";
          else if (!md->isConst())
            why = element_construction(type);
          return;
        }
      }
      callee_why(callee, "'" + callee->getQualifiedNameAsString() + "'");
      return;
    }
    if (const auto *construct = dyn_cast<CXXConstructExpr>(e)) {
      const CXXConstructorDecl *ctor = construct->getConstructor();
      if (known_class(construct->getType()))
        why = element_construction(construct->getType());
      else if (ctor && !ctor->isTrivial())
        callee_why(ctor, "the constructor of '" + ctor->getParent()->getNameAsString() + "'");
      return;
    }
    if (const auto *bind = dyn_cast<CXXBindTemporaryExpr>(e)) {
      const CXXDestructorDecl *dtor = bind->getTemporary()->getDestructor();
      if (dtor && !dtor->isTrivial() && !known_class(ctx_.getRecordType(dtor->getParent())))
        callee_why(dtor, "the destructor of '" + dtor->getParent()->getNameAsString() + "'");
      return;
    }
  };
  walk_with_ancestors(def->getBody(), check);
  if (const auto *ctor = dyn_cast<CXXConstructorDecl>(def))
    for (const CXXCtorInitializer *init : ctor->inits())
      if (init->getInit() && why.empty())
        walk_with_ancestors(init->getInit(), check);
  if (const auto *dtor = dyn_cast<CXXDestructorDecl>(def)) {
    const CXXRecordDecl *rd = dtor->getParent();
    for (const FieldDecl *f : rd->fields())
      if (why.empty())
        destructor(f->getType());
    for (const CXXBaseSpecifier &base : rd->bases())
      if (why.empty())
        destructor(base.getType());
  }
  return why;
}

} // namespace frontend
} // namespace weft
