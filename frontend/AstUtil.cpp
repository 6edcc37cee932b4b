//===- AstUtil.cpp - Small AST helpers of the model builder -------------------------===//
//
// Names of weft and std types, source text, locations, diagnostics.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

#include "clang/Lex/Lexer.h"

#include <set>

namespace weft {
namespace frontend {

void report(ASTContext &ctx, SourceLocation loc, DiagnosticsEngine::Level level, const char *format,
            llvm::ArrayRef<std::string> args, SourceRange highlight) {
  DiagnosticsEngine &diags = ctx.getDiagnostics();
  unsigned id =
      diags.getDiagnosticIDs()->getCustomDiagID(static_cast<DiagnosticIDs::Level>(level), format);
  auto builder = diags.Report(loc, id);
  for (const std::string &a : args)
    builder << a;
  if (highlight.isValid())
    builder << highlight;
}

std::string source_text(SourceRange range, const ASTContext &ctx) {
  const SourceManager &sm = ctx.getSourceManager();
  CharSourceRange chars =
      CharSourceRange::getTokenRange(sm.getExpansionRange(range.getBegin()).getBegin(),
                                     sm.getExpansionRange(range.getEnd()).getEnd());
  std::string text = Lexer::getSourceText(chars, sm, ctx.getLangOpts()).str();
  // One line, single spaces: the model prints statements on one line.
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

bool contains(SourceRange range, SourceLocation loc, const SourceManager &sm) {
  SourceLocation b = sm.getExpansionLoc(range.getBegin());
  SourceLocation e = sm.getExpansionLoc(range.getEnd());
  return !sm.isBeforeInTranslationUnit(loc, b) && !sm.isBeforeInTranslationUnit(e, loc);
}

/// The qualified name of the class (template) a type names, without template
/// arguments: "weft::DistArray", "std::vector"; empty for non-class types.
std::string class_name(QualType type) {
  type = type.getNonReferenceType().getCanonicalType();
  const CXXRecordDecl *rd = type->getAsCXXRecordDecl();
  if (!rd)
    return {};
  if (const auto *spec = dyn_cast<ClassTemplateSpecializationDecl>(rd))
    return spec->getSpecializedTemplate()->getQualifiedNameAsString();
  return rd->getQualifiedNameAsString();
}

const TemplateArgumentList *template_args(QualType type) {
  type = type.getNonReferenceType().getCanonicalType();
  if (const auto *spec =
          dyn_cast_or_null<ClassTemplateSpecializationDecl>(type->getAsCXXRecordDecl()))
    return &spec->getTemplateArgs();
  return nullptr;
}

bool is_weft(QualType type, llvm::StringRef name) {
  return class_name(type) == ("weft::" + name).str();
}

bool is_std_container(QualType type) {
  std::string n = class_name(type);
  return n == "std::vector" || n == "std::array";
}

bool is_integer(QualType type) {
  type = type.getNonReferenceType().getCanonicalType();
  return type->isIntegralOrEnumerationType() && !type->isBooleanType();
}

/// Math functions without side effects (C and std:: spellings).
bool is_pure_library_function(const FunctionDecl *fd) {
  static const std::set<std::string> names = {
      "abs",    "fabs",   "fabsf",    "sqrt",    "sqrtf", "exp",  "expf",  "exp2",  "expm1",
      "log",    "logf",   "log2",     "log10",   "log1p", "pow",  "powf",  "sin",   "cos",
      "tan",    "tanh",   "tanhf",    "sinh",    "cosh",  "atan", "atan2", "asin",  "acos",
      "floor",  "ceil",   "round",    "trunc",   "fmin",  "fmax", "fminf", "fmaxf", "fma",
      "min",    "max",    "erf",      "erfc",    "hypot", "cbrt", "isnan", "isinf", "isfinite",
      "lgamma", "tgamma", "copysign", "signbit", "fmod",  "clamp"};
  const IdentifierInfo *id = fd->getIdentifier();
  if (!id || !names.count(id->getName().str()))
    return false;
  const DeclContext *dc = fd->getDeclContext()->getRedeclContext();
  return dc->isTranslationUnit() || dc->isStdNamespace() || fd->isInStdNamespace();
}

const char *const kIslKeywords[] = {
    "and",   "or",  "not",  "exists", "mod",     "floor", "ceil", "floord", "ceild", "min", "max",
    "infty", "NaN", "true", "false",  "implies", "xor",   "rat",  "domain", "range", "any", "Nan"};

bool is_isl_keyword(const std::string &name) {
  for (const char *k : kIslKeywords)
    if (name == k)
      return true;
  return false;
}

bool is_field_path(const Expr *e) {
  e = e->IgnoreParenImpCasts();
  while (const auto *m = dyn_cast<MemberExpr>(e)) {
    if (m->isArrow() || !isa<FieldDecl>(m->getMemberDecl()) ||
        m->getMemberDecl()->getType()->isReferenceType())
      return false;
    e = m->getBase()->IgnoreParenImpCasts();
  }
  const auto *ref = dyn_cast<DeclRefExpr>(e);
  return ref && isa<VarDecl>(ref->getDecl());
}

/// The statement a case label, label or attribute stands before; nullptr for others.
const Stmt *labelled(const Stmt *s) {
  if (const auto *cs = dyn_cast<SwitchCase>(s))
    return cs->getSubStmt();
  if (const auto *ls = dyn_cast<LabelStmt>(s))
    return ls->getSubStmt();
  if (const auto *as = dyn_cast<AttributedStmt>(s))
    return as->getSubStmt();
  return nullptr;
}

/// The expression a cleanup or temporary wrapper holds; nullptr for others.
const Expr *wrapped(const Expr *e) {
  if (const auto *full = dyn_cast<FullExpr>(e))
    return full->getSubExpr();
  if (const auto *temp = dyn_cast<MaterializeTemporaryExpr>(e))
    return temp->getSubExpr();
  if (const auto *bind = dyn_cast<CXXBindTemporaryExpr>(e))
    return bind->getSubExpr();
  return nullptr;
}

} // namespace frontend
} // namespace weft
