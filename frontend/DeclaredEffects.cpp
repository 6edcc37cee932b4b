//===- DeclaredEffects.cpp - Calls of functions that declare their effects ---===//
//
// A function declared with WEFT_EFFECTS (include/weft/nn.h) says which of its
// parameters it reads, writes, updates or accumulates into; weft takes the declaration
// instead of a summary of the body (which, for kernels on BLAS, it cannot see). A call
// then accesses, per named parameter p bound to argument a:
//
//   read(p)        a read of what a views
//   write(p)       a write of what a views (every element, none read)
//   update(p)      a read and a write
//   accumulate(p)  a read and a write, additive (+=)
//
// where "what a views" is, fail closed, one of:
//   - a weft::DistArray variable or field (through the view classes' conversions): the
//     whole array;
//   - a call of a WEFT_VIEW function rows(array, first, count) on such an array: the
//     elements whose first subscript e satisfies  first <= e < first + count  (affine
//     bounds; otherwise the whole array).
// Anything else bound to a named parameter (a view kept in a variable, a pointer, a
// temporary) is an unknown effect, and so is a parameter of reference, pointer or view
// type that the declaration does not name, or an annotation that does not parse.
// Scalar parameters passed by value are read like any argument.
//
// A callee may also declare, with WEFT_ROWS, how it treats a minibatch's rows (rows,
// sum_rows, mean_rows per parameter or for its value): the call records each argument
// with a role, the array it views and whether through rows(...), for the pipeline
// executor (analysis/Pipeline.cpp). A malformed WEFT_ROWS is recorded as not declared,
// with the reason.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

#include "clang/AST/Attr.h"

#include <cctype>

namespace weft {
namespace frontend {

namespace {

enum class Effect { None, Read, Write, Update, Accumulate };

/// The text of the first `annotate` attribute of `d` that starts with `prefix`, after
/// the prefix.
std::optional<std::string> annotation(const Decl *d, llvm::StringRef prefix) {
  for (const auto *attr : d->specific_attrs<AnnotateAttr>()) {
    llvm::StringRef text = attr->getAnnotation();
    if (text.startswith(prefix))
      return text.drop_front(prefix.size()).trim().str();
  }
  return std::nullopt;
}

/// The declaration of `fd` that is written with the annotation (not inherited by a later
/// redeclaration): its parameter names are the ones the annotation names.
const FunctionDecl *annotated_declaration(const FunctionDecl *fd, llvm::StringRef prefix) {
  for (const FunctionDecl *d : fd->redecls())
    for (const auto *attr : d->specific_attrs<AnnotateAttr>())
      if (!attr->isInherited() && attr->getAnnotation().startswith(prefix))
        return d;
  return fd;
}

/// Whether every redeclaration of `fd` names its parameters as `annotated` does (a
/// redeclaration may rename them; weft then cannot tell which names the annotation meant).
bool same_parameter_names(const FunctionDecl *fd, const FunctionDecl *annotated) {
  for (const FunctionDecl *d : fd->redecls())
    for (unsigned p = 0; p < d->getNumParams() && p < annotated->getNumParams(); ++p)
      if (!d->getParamDecl(p)->getName().empty() &&
          d->getParamDecl(p)->getName() != annotated->getParamDecl(p)->getName())
        return false;
  return true;
}

std::string without_spaces(const std::string &text) {
  std::string out;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)))
      out += c;
  return out;
}

bool is_view_class(QualType type) {
  const auto *record = type.getNonReferenceType()->getAsCXXRecordDecl();
  return record && annotation(record, "weft.view_class");
}

/// Parses `kind(p, q) kind(r) ...` into one Effect per parameter of `fd`; on a
/// malformed text returns why.
std::string parse_effects(const std::string &text, const FunctionDecl *fd,
                          std::vector<Effect> &effects) {
  effects.assign(fd->getNumParams(), Effect::None);
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
      ++i;
  };
  auto identifier = [&] {
    skip_space();
    size_t start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
      ++i;
    return text.substr(start, i - start);
  };
  for (skip_space(); i < text.size(); skip_space()) {
    std::string kind = identifier();
    Effect effect = kind == "read"         ? Effect::Read
                    : kind == "write"      ? Effect::Write
                    : kind == "update"     ? Effect::Update
                    : kind == "accumulate" ? Effect::Accumulate
                                           : Effect::None;
    if (effect == Effect::None)
      return "unknown effect kind '" + kind + "' (expected read, write, update or accumulate)";
    skip_space();
    if (i >= text.size() || text[i] != '(')
      return "expected '(' after '" + kind + "'";
    ++i;
    for (;;) {
      std::string name = identifier();
      unsigned p = 0;
      while (p < fd->getNumParams() && fd->getParamDecl(p)->getName() != name)
        ++p;
      if (name.empty() || p == fd->getNumParams())
        return "'" + name + "' is not a parameter of the function";
      if (effects[p] != Effect::None)
        return "parameter '" + name + "' is named twice";
      effects[p] = effect;
      skip_space();
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == ')') {
        ++i;
        break;
      }
      return "expected ',' or ')' after '" + name + "'";
    }
  }
  return {};
}

/// Parses `role(p, return) role(q) ...` (WEFT_ROWS) into one RowRole per parameter of
/// `fd` and one for the value; on a malformed text returns why.
std::string parse_rows(const std::string &text, const FunctionDecl *fd, std::vector<RowRole> &roles,
                       RowRole &value) {
  roles.assign(fd->getNumParams(), RowRole::None);
  value = RowRole::None;
  const std::string flat = without_spaces(text);
  size_t i = 0;
  auto identifier = [&] {
    size_t start = i;
    while (i < flat.size() && (std::isalnum(static_cast<unsigned char>(flat[i])) || flat[i] == '_'))
      ++i;
    return flat.substr(start, i - start);
  };
  while (i < flat.size()) {
    std::string kind = identifier();
    RowRole role = kind == "rows"        ? RowRole::Rows
                   : kind == "sum_rows"  ? RowRole::SumRows
                   : kind == "mean_rows" ? RowRole::MeanRows
                                         : RowRole::None;
    if (role == RowRole::None)
      return "unknown row role '" + kind + "' (expected rows, sum_rows or mean_rows)";
    if (i >= flat.size() || flat[i] != '(')
      return "expected '(' after '" + kind + "'";
    ++i;
    for (;;) {
      std::string name = identifier();
      RowRole *slot = nullptr;
      if (name == "return" && !fd->getReturnType()->isVoidType()) {
        slot = &value;
      } else {
        for (unsigned p = 0; p < fd->getNumParams(); ++p)
          if (!name.empty() && fd->getParamDecl(p)->getName() == name)
            slot = &roles[p];
      }
      if (!slot)
        return "'" + name + "' is not a parameter of the function or its value";
      if (*slot != RowRole::None)
        return "'" + name + "' is named twice";
      *slot = role;
      if (i < flat.size() && flat[i] == ',') {
        ++i;
        continue;
      }
      if (i < flat.size() && flat[i] == ')') {
        ++i;
        break;
      }
      return "expected ',' or ')' after '" + name + "'";
    }
  }
  return {};
}

/// The expression inside wrappers, implicit conversions and the view classes'
/// converting constructors and conversion operators.
const Expr *through_views(const Expr *e) {
  for (;;) {
    e = e->IgnoreParenImpCasts();
    if (const Expr *inner = wrapped(e)) {
      e = inner;
      continue;
    }
    if (const auto *construct = dyn_cast<CXXConstructExpr>(e);
        construct && construct->getNumArgs() == 1 && is_view_class(construct->getType())) {
      e = construct->getArg(0);
      continue;
    }
    if (const auto *cast = dyn_cast<CXXFunctionalCastExpr>(e);
        cast && is_view_class(cast->getType())) {
      e = cast->getSubExpr();
      continue;
    }
    if (const auto *call = dyn_cast<CXXMemberCallExpr>(e);
        call && isa_and_nonnull<CXXConversionDecl>(call->getMethodDecl()) &&
        is_view_class(call->getImplicitObjectArgument()->getType())) {
      e = call->getImplicitObjectArgument();
      continue;
    }
    return e;
  }
}

} // namespace

bool ModelBuilder::declares_view(const FunctionDecl *fd) {
  return fd && annotation(fd, "weft.view:").has_value();
}

bool ModelBuilder::visit_declared_call(const CallExpr *call, const FunctionDecl *fd, bool may) {
  std::optional<std::string> text_of_effects = annotation(fd, "weft.effects:");
  if (!text_of_effects)
    return false;
  Call record_call;
  record_call.statement = current_stmt_;
  record_call.range = call->getSourceRange();
  record_call.callee = fd->getQualifiedNameAsString();
  record_call.declared_effects = true;
  record_call.returns_void = fd->getReturnType()->isVoidType();

  std::vector<Effect> effects;
  const FunctionDecl *annotated = annotated_declaration(fd, "weft.effects:");
  std::string error = parse_effects(*text_of_effects, annotated, effects);
  if (error.empty() && !same_parameter_names(fd, annotated))
    error = "a redeclaration names the parameters differently";
  const auto *method = dyn_cast<CXXMethodDecl>(fd);
  if (error.empty() && method && !method->isStatic())
    error = "it is declared on a method, whose object the declaration cannot name";
  if (error.empty() && fd->isVariadic())
    error = "it takes variadic arguments, which the declaration cannot name";
  if (!error.empty()) {
    record_call.unknown_effects = true;
    record_call.why = "its WEFT_EFFECTS declaration does not hold: " + error;
    m_.calls.push_back(record_call);
    // The arguments are read; a rows(...) view among them is its arguments (the call
    // with unknown effects already keeps the loop sequential).
    for (const Expr *arg : call->arguments()) {
      const auto *view = dyn_cast<CallExpr>(through_views(arg));
      if (view && declares_view(view->getDirectCallee()))
        for (const Expr *view_arg : view->arguments())
          visit(view_arg, Mode::Read, may);
      else
        visit(arg, Mode::Read, may);
    }
    return true;
  }
  // How the callee treats a minibatch's rows (WEFT_ROWS), if it says.
  std::vector<RowRole> roles(fd->getNumParams(), RowRole::None);
  if (std::optional<std::string> rows = annotation(fd, "weft.rows:")) {
    const FunctionDecl *rows_decl = annotated_declaration(fd, "weft.rows:");
    record_call.rows_why = parse_rows(*rows, rows_decl, roles, record_call.value_role);
    if (record_call.rows_why.empty() && !same_parameter_names(fd, rows_decl))
      record_call.rows_why = "a redeclaration names the parameters differently";
    record_call.declared_rows = record_call.rows_why.empty();
    if (!record_call.declared_rows)
      roles.assign(fd->getNumParams(), RowRole::None);
  }
  const std::size_t call_index = m_.calls.size();
  m_.calls.push_back(record_call);

  // A default argument has no spelling of its own: name it by its parameter.
  auto spelling_of = [&](const Expr *arg, const ParmVarDecl *param) {
    std::string spelling = isa<CXXDefaultArgExpr>(arg) ? "" : text(arg->getSourceRange());
    return spelling.empty() ? "the default argument of '" + param->getNameAsString() + "'"
                            : spelling;
  };
  unsigned args = std::min<unsigned>(call->getNumArgs(), fd->getNumParams());
  for (unsigned p = 0; p < args; ++p) {
    const Expr *arg = call->getArg(p);
    const ParmVarDecl *param = annotated->getParamDecl(p);
    QualType type = param->getType();
    // Only values of arithmetic or enumeration type carry no storage of their own: a
    // pointer, a reference, a view, and any class (a span, a struct holding a pointer)
    // may reach storage the declaration must name.
    bool storage = !type->isArithmeticType() && !type->isEnumeralType();
    if (effects[p] == Effect::None) {
      if (storage)
        unknown_effect(call, "binds '" + spelling_of(arg, param) + "' to the parameter '" +
                                 param->getNameAsString() + "' of '" + record_call.callee +
                                 "', for which its WEFT_EFFECTS names no effect");
      else
        visit(arg, Mode::Read, may);
      continue;
    }
    RowArgument viewed =
        visit_viewed_argument(call, arg, spelling_of(arg, param),
                              effects[p] == Effect::Read || effects[p] == Effect::Update ||
                                  effects[p] == Effect::Accumulate,
                              effects[p] != Effect::Read, effects[p] == Effect::Accumulate, may);
    if (roles[p] != RowRole::None) {
      viewed.role = roles[p];
      m_.calls[call_index].row_arguments.push_back(viewed);
    }
  }
  return true;
}

/// What the argument of a parameter with a declared effect views, read and/or written.
RowArgument ModelBuilder::visit_viewed_argument(const CallExpr *call, const Expr *arg,
                                                const std::string &spelling, bool reads,
                                                bool writes, bool additive, bool may) {
  RowArgument viewed;
  viewed.text = spelling;
  viewed.range = arg->getSourceRange();
  // An unknown effect is reported at the argument, or at the call when the argument has
  // no text of its own (a default argument).
  const Stmt *site = text(arg->getSourceRange()).empty() || isa<CXXDefaultArgExpr>(arg)
                         ? static_cast<const Stmt *>(call)
                         : arg;
  const Expr *e = through_views(arg);
  std::vector<Subscript> subs;
  bool whole = true;
  bool exact = true; // false when a range of rows had to widen to the whole array
  // rows(array, first, count): a range of the first subscript.
  if (const auto *view = dyn_cast<CallExpr>(e)) {
    const FunctionDecl *vfd = view->getDirectCallee();
    std::optional<std::string> spec = vfd ? annotation(vfd, "weft.view:") : std::nullopt;
    const FunctionDecl *declared = vfd ? annotated_declaration(vfd, "weft.view:") : nullptr;
    unsigned array_param = 0, first_param = 1, count_param = 2;
    bool understood = spec && declared->getNumParams() == 3 && view->getNumArgs() == 3 &&
                      same_parameter_names(vfd, declared) &&
                      without_spaces(*spec) ==
                          "rows(" + declared->getParamDecl(array_param)->getNameAsString() + "," +
                              declared->getParamDecl(first_param)->getNameAsString() + "," +
                              declared->getParamDecl(count_param)->getNameAsString() + ")";
    if (!understood) {
      unknown_effect(site, "is not a weft array or a rows(array, first, count) view of one");
      for (const Expr *view_arg : view->arguments())
        visit(view_arg, Mode::Read, may);
      return viewed;
    }
    viewed.view = true;
    viewed.range = view->getSourceRange();
    viewed.text = text(view->getSourceRange());
    visit(view->getArg(first_param), Mode::Read, may);
    visit(view->getArg(count_param), Mode::Read, may);
    std::string why;
    std::optional<AffineExpr> first = affine(view->getArg(first_param), why);
    std::optional<AffineExpr> count = affine(view->getArg(count_param), why);
    std::optional<AffineExpr> end = first && count ? first->plus(*count) : std::nullopt;
    e = through_views(view->getArg(array_param));
    if (first && end) {
      Subscript rows;
      rows.range_begin = first;
      rows.range_end = end;
      rows.text = first->str() + " <= . < " + end->str();
      rows.unknown = "a range of rows";
      rows.range = view->getSourceRange();
      subs.push_back(rows);
      whole = false;
    } else {
      exact = false;
    }
  }
  const auto *ref = dyn_cast<DeclRefExpr>(e);
  std::optional<unsigned> array;
  if (ref && isa<VarDecl>(ref->getDecl()) &&
      !loop_var_level_.count(cast<VarDecl>(ref->getDecl())) &&
      !ref_bindings_.count(cast<VarDecl>(ref->getDecl())))
    array = array_of(ref);
  else
    array = member_array(e);
  if (!array || m_.arrays[*array].kind != ArrayKind::DistArray) {
    unknown_effect(site, "is not a weft array or a rows(...) view of one (a view kept in a "
                         "variable is one weft cannot follow: pass rows(...) in the call)");
    visit(arg, Mode::Read, may);
    return viewed;
  }
  viewed.array = static_cast<int>(*array);
  const ArrayInfo &info = m_.arrays[*array];
  if (!whole) {
    for (unsigned k = 1; k < info.rank; ++k) {
      Subscript any;
      any.text = "*";
      any.unknown = "every column of the rows";
      subs.push_back(any);
    }
  }
  whole = whole && info.rank > 0;
  if (reads)
    record(*array, AccessKind::Read, subs, whole, may, spelling, arg->getSourceRange());
  if (writes) {
    record(*array, AccessKind::Write, subs, whole, may, spelling, arg->getSourceRange());
    // The operation writes every element of what it views (whole arrays and affine row
    // ranges alike): the declaration's contract, checked by the kernels' shape checks. A
    // range widened to the whole array is only a may-write of the rest.
    m_.accesses.back().exact_region = exact;
    if (additive) {
      m_.accesses[m_.accesses.size() - 2].additive = true;
      m_.accesses.back().additive = true;
    }
  }
  return viewed;
}

} // namespace frontend
} // namespace weft
