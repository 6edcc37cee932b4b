//===- BuildLoopModel.cpp - From annotated loops in the AST to LoopModels -===//
//
// Two steps per translation unit:
//  1. attach: each pragma binds to the first statement after it in the innermost
//     statement that contains it; that statement must be a for or range-for loop.
//  2. build: a pre-scan finds every variable the loop writes (so that parameters and
//     local constants are known to be invariant), then one walk over the body creates
//     levels, statements and accesses in source order.
//
// Everything weft cannot understand exactly is kept, marked imprecise with the reason,
// so the analysis can be conservative and say why.
//
//===----------------------------------------------------------------------===//

#include "BuildLoopModel.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace weft {

namespace {

using namespace clang;

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

void report(ASTContext &ctx, SourceLocation loc, DiagnosticsEngine::Level level, const char *format,
            llvm::ArrayRef<std::string> args = {}, SourceRange highlight = {}) {
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

//===----------------------------------------------------------------------===//
// Step 1: attach pragmas to loops
//===----------------------------------------------------------------------===//

/// Collects the bodies of the function definitions of the main file.
class BodyCollector : public RecursiveASTVisitor<BodyCollector> {
public:
  explicit BodyCollector(const SourceManager &sm) : sm_(sm) {}
  bool VisitFunctionDecl(FunctionDecl *fd) {
    if (fd->doesThisDeclarationHaveABody() && fd->getBody() &&
        sm_.isInMainFile(sm_.getExpansionLoc(fd->getBeginLoc())))
      bodies.push_back(fd);
    return true;
  }
  std::vector<const FunctionDecl *> bodies;

private:
  const SourceManager &sm_;
};

/// The first child of the innermost statement containing `loc` that begins after it,
/// or nullptr when the innermost containing statement has no statement after `loc`.
const Stmt *statement_after(const Stmt *s, SourceLocation loc, const SourceManager &sm) {
  for (const Stmt *child : s->children()) {
    if (!child)
      continue;
    SourceRange r = child->getSourceRange();
    if (contains(r, loc, sm))
      return statement_after(child, loc, sm);
    if (sm.isBeforeInTranslationUnit(loc, sm.getExpansionLoc(r.getBegin())))
      return child;
  }
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Step 2: build the model of one loop
//===----------------------------------------------------------------------===//

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

enum class Mode { Read, Write, ReadWrite };

class ModelBuilder {
public:
  ModelBuilder(ASTContext &ctx, LoopModel &model)
      : ctx_(ctx), sm_(ctx.getSourceManager()), m_(model) {}

  void build(const Stmt *loop) {
    WriteScanner scan;
    scan.TraverseStmt(const_cast<Stmt *>(loop));
    writes_ = std::move(scan.writes);
    reshaped_ = std::move(scan.reshaped);
    m_.range = loop->getSourceRange();

    Ctx c;
    unsigned counter = 0;
    walk_loop(loop, c, counter);

    // A break leaves its loop: no statement of that level (or below) runs in every
    // iteration any more.
    for (Statement &s : m_.statements)
      for (unsigned l : s.levels)
        if (broken_levels_.count(l))
          s.conditional = true;
    for (Access &a : m_.accesses)
      if (m_.statements[a.statement].conditional)
        a.may = true;
    for (Statement &s : m_.statements)
      s.domain = m_.domain_of(s.levels, "S" + std::to_string(s.id));
  }

private:
  struct Ctx {
    std::vector<unsigned> nest;     ///< enclosing levels
    std::vector<unsigned> position; ///< position within each enclosing level's body
    bool conditional = false;
    unsigned switch_depth = 0; ///< a break inside a switch leaves the switch, not a loop
  };

  ASTContext &ctx_;
  const SourceManager &sm_;
  LoopModel &m_;

  std::map<const VarDecl *, std::vector<const Expr *>> writes_;
  std::set<const VarDecl *> reshaped_;
  std::map<const VarDecl *, unsigned> loop_var_level_;           ///< loop variables -> their level
  std::map<const VarDecl *, AffineExpr> constants_;              ///< locals holding an affine value
  std::map<const VarDecl *, std::string> not_affine_;            ///< locals that do not, and why
  std::map<const VarDecl *, std::vector<unsigned>> local_scope_; ///< locals -> nest at declaration
  std::map<std::string, unsigned> array_index_;                  ///< canonical key -> arrays index
  std::map<std::string, std::string> param_names_;               ///< parameter key -> isl name
  std::set<std::string> names_;                                  ///< isl names in use
  std::set<unsigned> tainted_;       ///< levels whose current iteration may end early
  std::set<unsigned> broken_levels_; ///< levels left by a break
  unsigned current_stmt_ = 0;
  const Expr *use_site_ = nullptr; ///< the use of a structured binding being visited
  const Ctx *current_ctx_ = nullptr;

  //===--------------------------------------------------------------------===//
  // Names
  //===--------------------------------------------------------------------===//

  std::string fresh_name(std::string base, const std::set<std::string> &taken) {
    if (base.empty())
      base = "t";
    std::string name = base;
    for (unsigned n = 1; is_isl_keyword(name) || taken.count(name) || names_.count(name); ++n)
      name = base + "_" + std::to_string(n);
    return name;
  }

  std::string text(SourceRange r) const { return source_text(r, ctx_); }

  /// isl name of the parameter for `key` (a variable, or an object's size/shape).
  std::string param(const std::string &key, const std::string &base) {
    auto it = param_names_.find(key);
    if (it != param_names_.end())
      return it->second;
    std::string name = fresh_name(base, {});
    names_.insert(name);
    param_names_[key] = name;
    m_.params.push_back(name);
    return name;
  }

  bool written(const VarDecl *vd) const { return writes_.count(vd) != 0; }

  bool declared_in_loop(const Decl *d) const {
    return contains(m_.range, sm_.getExpansionLoc(d->getLocation()), sm_);
  }

  //===--------------------------------------------------------------------===//
  // Loops
  //===--------------------------------------------------------------------===//

  /// Creates the level of `loop` inside `c` and walks its body.
  void walk_loop(const Stmt *loop, const Ctx &c, unsigned &counter) {
    unsigned id = m_.levels.size();
    m_.levels.emplace_back();
    {
      LoopLevel &lv = m_.levels.back();
      lv.parent = c.nest.empty() ? -1 : static_cast<int>(c.nest.back());
      lv.depth = c.nest.size();
      lv.range = loop->getSourceRange();
      lv.stmt = loop;
    }
    Ctx inner = c;
    inner.nest.push_back(id);
    inner.position.push_back(counter++);
    inner.switch_depth = 0;

    std::set<std::string> enclosing;
    for (unsigned l : c.nest)
      enclosing.insert(m_.levels[l].dims.begin(), m_.levels[l].dims.end());

    const Stmt *body = nullptr;
    if (const auto *f = dyn_cast<ForStmt>(loop)) {
      body = f->getBody();
      describe_for(id, f, enclosing, c);
    } else if (const auto *r = dyn_cast<CXXForRangeStmt>(loop)) {
      body = r->getBody();
      describe_range_for(id, r, enclosing, c);
    } else if (const auto *w = dyn_cast<WhileStmt>(loop)) {
      body = w->getBody();
      unknown_level(id, "a while loop has a data-dependent trip count", enclosing);
      header_statement(inner, {w->getCond()}, loop,
                       "while (" + text(w->getCond()->getSourceRange()) + ")");
    } else if (const auto *d = dyn_cast<DoStmt>(loop)) {
      body = d->getBody();
      unknown_level(id, "a do-while loop has a data-dependent trip count", enclosing);
      header_statement(inner, {d->getCond()}, loop,
                       "while (" + text(d->getCond()->getSourceRange()) + ")");
    }

    // Header accesses (beyond the induction variable and the parameters) execute with
    // the loop's iterations.
    if (const auto *f = dyn_cast<ForStmt>(loop)) {
      std::vector<const Expr *> header;
      if (const auto *init = dyn_cast_or_null<DeclStmt>(f->getInit())) {
        for (const Decl *d : init->decls())
          if (const auto *vd = dyn_cast<VarDecl>(d))
            if (vd->getInit() && !loop_var_level_.count(vd))
              header.push_back(vd->getInit());
      } else if (const auto *e = dyn_cast_or_null<Expr>(f->getInit())) {
        header.push_back(e);
      }
      if (f->getCond())
        header.push_back(f->getCond());
      if (f->getInc())
        header.push_back(f->getInc());
      header_statement(inner, header, loop, text(SourceRange(f->getBeginLoc(), f->getRParenLoc())));
    } else if (const auto *r = dyn_cast<CXXForRangeStmt>(loop)) {
      if (m_.levels[id].kind != LevelKind::SparseRange)
        header_statement(inner, {r->getRangeInit()}, loop,
                         text(SourceRange(r->getBeginLoc(), r->getRParenLoc())));
    }

    if (const auto *r = dyn_cast<CXXForRangeStmt>(loop);
        r && r->getLoopVariable() && !loop_var_level_.count(r->getLoopVariable()) &&
        !r->getLoopVariable()->getType()->isReferenceType())
      local_scope_[r->getLoopVariable()] = inner.nest; // a copy of the element per iteration

    if (body) {
      unsigned body_counter = 1; // position 0 belongs to the header
      walk_stmt(body, inner, body_counter);
    }
    tainted_.erase(id);
  }

  void unknown_level(unsigned id, const std::string &why, const std::set<std::string> &enclosing,
                     const std::string &var = {}) {
    LoopLevel &lv = m_.levels[id];
    lv.kind = LevelKind::Unknown;
    lv.var = var;
    lv.imprecision = why;
    if (lv.dims.empty()) {
      lv.dims.push_back(fresh_name(var.empty() ? "t" : var, enclosing));
      lv.dim_labels.push_back(var.empty() ? lv.dims.back() : var);
    }
    std::string trips = param("trips:" + std::to_string(id), lv.dims.front() + "_trips");
    m_.levels[id].extents = {trips};
  }

  /// for (init; cond; inc): a Counted level when init sets one integer variable v,
  /// cond compares v with an affine bound, inc adds a non-zero constant to v, and the
  /// body never writes v.
  void describe_for(unsigned id, const ForStmt *f, const std::set<std::string> &enclosing,
                    const Ctx &c) {
    const VarDecl *var = nullptr;
    const Expr *start = nullptr;
    if (const auto *ds = dyn_cast_or_null<DeclStmt>(f->getInit())) {
      if (ds->isSingleDecl())
        if (const auto *vd = dyn_cast<VarDecl>(ds->getSingleDecl()))
          if (is_integer(vd->getType()) && vd->getInit()) {
            var = vd;
            start = vd->getInit();
          }
    } else if (const auto *as = dyn_cast_or_null<BinaryOperator>(f->getInit())) {
      if (as->getOpcode() == BO_Assign)
        if (const auto *ref = dyn_cast<DeclRefExpr>(as->getLHS()->IgnoreParenImpCasts()))
          if (const auto *vd = dyn_cast<VarDecl>(ref->getDecl()); vd && is_integer(vd->getType())) {
            var = vd;
            start = as->getRHS();
          }
    }
    if (!var) {
      unknown_level(id, "the loop does not initialise a single integer induction variable",
                    enclosing);
      return;
    }
    std::string name = var->getNameAsString();
    LoopLevel &lv0 = m_.levels[id];
    lv0.var = name;
    lv0.dims.push_back(fresh_name(name, enclosing));
    lv0.dim_labels.push_back(name);

    // The step: ++v, v++, --v, v--, v += c, v -= c, v = v + c.
    std::optional<int64_t> step = increment_of(f->getInc(), var);
    if (!step || *step == 0) {
      unknown_level(id,
                    "the increment '" +
                        (f->getInc() ? text(f->getInc()->getSourceRange()) : std::string()) +
                        "' does not add a non-zero constant to '" + name + "'",
                    enclosing, name);
      return;
    }
    // Writes of v other than the increment itself change the trip count.
    for (const Expr *w : writes_[var])
      if (!f->getInc() ||
          !contains(f->getInc()->getSourceRange(), sm_.getExpansionLoc(w->getBeginLoc()), sm_)) {
        if (isa<BinaryOperator>(w) && w == f->getInit())
          continue;
        unknown_level(
            id, "'" + name + "' is written in the loop body by '" + text(w->getSourceRange()) + "'",
            enclosing, name);
        return;
      }
    loop_var_level_[var] = id;

    LoopLevel &lv = m_.levels[id];
    lv.kind = LevelKind::Counted;
    lv.step = *step;
    std::string why;
    const Ctx *saved = current_ctx_;
    current_ctx_ = &c; // bounds are evaluated in the enclosing nest
    std::optional<AffineExpr> first = affine(start, why);
    std::optional<AffineExpr> bound;
    std::string bound_why;
    bool upper_bound = true; // the condition bounds v from above
    const Expr *cond = f->getCond() ? f->getCond()->IgnoreParenImpCasts() : nullptr;
    const auto *cmp = dyn_cast_or_null<BinaryOperator>(cond);
    if (cmp && cmp->isComparisonOp() && cmp->getOpcode() != BO_EQ) {
      const Expr *lhs = cmp->getLHS(), *rhs = cmp->getRHS();
      BinaryOperatorKind op = cmp->getOpcode();
      if (refers_to(rhs, var) && !refers_to(lhs, var)) { // n > i  ==  i < n
        std::swap(lhs, rhs);
        op = BinaryOperator::reverseComparisonOp(op);
      }
      if (refers_to(lhs, var) && !mentions(rhs, var)) {
        std::optional<AffineExpr> b = affine(rhs, bound_why);
        switch (op) {
        case BO_LT: // v < b  ==  v <= b - 1
          bound = b ? b->minus(AffineExpr::constant_expr(1)) : std::nullopt;
          break;
        case BO_LE:
          bound = b;
          break;
        case BO_GT: // v > b  ==  v >= b + 1
          upper_bound = false;
          bound = b ? b->plus(AffineExpr::constant_expr(1)) : std::nullopt;
          break;
        case BO_GE:
          upper_bound = false;
          bound = b;
          break;
        case BO_NE: // with a unit step, v != b ends exactly when v reaches b
          upper_bound = *step > 0;
          if (*step == 1 || *step == -1)
            bound = b ? b->plus(AffineExpr::constant_expr(*step > 0 ? -1 : 1)) : std::nullopt;
          else
            bound_why = "'!=' with a step other than 1 or -1 may never end";
          break;
        default:
          break;
        }
        if (b && !bound && bound_why.empty())
          bound_why = "the bound overflows";
      } else {
        bound_why = "the condition '" + text(cond->getSourceRange()) + "' does not compare '" +
                    name + "' with a bound";
      }
    } else {
      bound_why = "the condition " +
                  (cond ? "'" + text(cond->getSourceRange()) + "'" : std::string("(none)")) +
                  " is not a comparison of '" + name + "' with a bound";
    }
    current_ctx_ = saved;

    if ((*step > 0) != upper_bound && bound) {
      bound.reset();
      bound_why = "the condition bounds '" + name + "' on the side the step moves away from";
    }
    lv.start = first;
    if (*step > 0) {
      lv.lower = first;
      lv.upper = bound;
    } else {
      lv.upper = first;
      lv.lower = bound;
    }
    if (!first)
      lv.imprecision = "start value: " + why;
    else if (!bound)
      lv.imprecision = "bound: " + bound_why;
  }

  void describe_range_for(unsigned id, const CXXForRangeStmt *r,
                          const std::set<std::string> &enclosing, const Ctx &c) {
    const VarDecl *var = r->getLoopVariable();
    const Expr *range = r->getRangeInit()->IgnoreParenImpCasts();
    std::string name = var ? var->getNameAsString() : "";
    if (const auto *dd = dyn_cast_or_null<DecompositionDecl>(var)) {
      std::vector<std::string> names;
      for (const BindingDecl *b : dd->bindings())
        names.push_back(b->getNameAsString());
      name = "[" + llvm::join(names, ", ") + "]";
    }
    const auto *ref = dyn_cast<DeclRefExpr>(range);
    if (!ref || !is_weft(range->getType(), "SparseArray") || !var) {
      unknown_level(id,
                    "range-for over '" + text(range->getSourceRange()) +
                        "', which is not a weft::SparseArray variable",
                    enclosing, name);
      range_vars_[var] = range;
      return;
    }
    {
      LoopLevel &lv = m_.levels[id];
      lv.kind = LevelKind::SparseRange;
      lv.var = name;
      const TemplateArgumentList *args = template_args(range->getType());
      unsigned rank =
          args && args->size() > 1 && args->get(1).getKind() == TemplateArgument::Integral
              ? args->get(1).getAsIntegral().getZExtValue()
              : 1;
      for (unsigned d = 0; d < rank; ++d) {
        std::string dim = fresh_name("key" + std::to_string(d), enclosing);
        lv.dims.push_back(dim);
        lv.dim_labels.push_back("key[" + std::to_string(d) + "]");
      }
    }
    const Ctx *saved = current_ctx_;
    current_ctx_ = &c;
    unsigned array = array_of(ref);
    sparse_arrays_[id] = array;
    m_.levels[id].sparse_array = m_.arrays[array].name;
    // The same parameters as R.shape()[d] in a subscript or bound.
    const ValueDecl *target = ref->getDecl();
    for (unsigned d = 0; d < m_.levels[id].dims.size(); ++d) {
      std::string suffix = "_shape" + std::to_string(d);
      m_.levels[id].extents.push_back(
          param("size:" + std::to_string(reinterpret_cast<uintptr_t>(target)) + suffix,
                target->getNameAsString() + suffix));
    }
    current_ctx_ = saved;
    loop_var_level_[var] = id;
  }

  /// The constant that `inc` adds to `var`, if it is one of the forms of a counted loop.
  std::optional<int64_t> increment_of(const Expr *inc, const VarDecl *var) {
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

  std::optional<int64_t> constant(const Expr *e) const {
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

  static bool refers_to(const Expr *e, const VarDecl *var) {
    const auto *ref = dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
    return ref && ref->getDecl() == var;
  }

  static bool mentions(const Stmt *s, const VarDecl *var) {
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

  //===--------------------------------------------------------------------===//
  // Statements
  //===--------------------------------------------------------------------===//

  unsigned new_statement(const Ctx &c, SourceRange range) {
    Statement s;
    s.id = m_.statements.size();
    s.levels = c.nest;
    s.position = c.position;
    s.conditional = c.conditional;
    for (unsigned l : c.nest)
      if (tainted_.count(l))
        s.conditional = true;
    s.text = text(range);
    s.range = range;
    m_.statements.push_back(s);
    return s.id;
  }

  /// A statement for the memory a loop header reads, if it reads any.
  void header_statement(const Ctx &inner, const std::vector<const Expr *> &exprs, const Stmt *loop,
                        const std::string &header) {
    size_t accesses = m_.accesses.size(), calls = m_.calls.size();
    Ctx c = inner;
    c.conditional = true;
    c.position.push_back(0);
    unsigned id = new_statement(c, loop->getSourceRange());
    m_.statements[id].text = header;
    for (const Expr *e : exprs)
      if (e)
        visit_in(e, Mode::Read, id, c);
    if (m_.accesses.size() == accesses && m_.calls.size() == calls)
      m_.statements.pop_back(); // the header reads nothing but induction variables and parameters
  }

  void visit_in(const Expr *e, Mode mode, unsigned stmt, const Ctx &c) {
    unsigned saved_stmt = current_stmt_;
    const Ctx *saved_ctx = current_ctx_;
    current_stmt_ = stmt;
    current_ctx_ = &c;
    visit(e, mode, m_.statements[stmt].conditional);
    current_stmt_ = saved_stmt;
    current_ctx_ = saved_ctx;
  }

  void walk_stmt(const Stmt *s, Ctx &c, unsigned &counter) {
    if (!s)
      return;
    if (const auto *cs = dyn_cast<CompoundStmt>(s)) {
      for (const Stmt *child : cs->body())
        walk_stmt(child, c, counter);
      return;
    }
    if (isa<ForStmt>(s) || isa<CXXForRangeStmt>(s) || isa<WhileStmt>(s) || isa<DoStmt>(s)) {
      walk_loop(s, c, counter);
      return;
    }
    if (const auto *is = dyn_cast<IfStmt>(s)) {
      if (const auto *init = is->getInit())
        walk_stmt(init, c, counter);
      unsigned id = statement_here(c, counter, SourceRange(is->getBeginLoc(), is->getRParenLoc()));
      m_.statements[id].text = "if (" + text(is->getCond()->getSourceRange()) + ")";
      if (const VarDecl *cv = is->getConditionVariable())
        declare_local(cv, c, id);
      else
        visit_in(is->getCond(), Mode::Read, id, c);
      Ctx branch = c;
      branch.conditional = true;
      walk_stmt(is->getThen(), branch, counter);
      walk_stmt(is->getElse(), branch, counter);
      return;
    }
    if (const auto *ss = dyn_cast<SwitchStmt>(s)) {
      unsigned id = statement_here(c, counter, ss->getCond()->getSourceRange());
      m_.statements[id].text = "switch (" + text(ss->getCond()->getSourceRange()) + ")";
      visit_in(ss->getCond(), Mode::Read, id, c);
      Ctx body = c;
      body.conditional = true;
      ++body.switch_depth;
      walk_stmt(ss->getBody(), body, counter);
      return;
    }
    if (const Stmt *inner = labelled(s)) {
      walk_stmt(inner, c, counter);
      return;
    }
    if (isa<NullStmt>(s))
      return;
    if (isa<ContinueStmt>(s)) {
      tainted_.insert(c.nest.back());
      return;
    }
    if (isa<BreakStmt>(s)) {
      if (c.switch_depth > 0)
        return;
      tainted_.insert(c.nest.back());
      broken_levels_.insert(c.nest.back());
      if (c.nest.size() == 1)
        m_.early_exits.push_back({"break", s->getSourceRange()});
      return;
    }
    if (const auto *rs = dyn_cast<ReturnStmt>(s)) {
      if (rs->getRetValue()) {
        unsigned id = statement_here(c, counter, s->getSourceRange());
        visit_in(rs->getRetValue(), Mode::Read, id, c);
      }
      exit_all(c, "return", s->getSourceRange());
      return;
    }
    if (isa<GotoStmt>(s) || isa<IndirectGotoStmt>(s)) {
      exit_all(c, "goto", s->getSourceRange());
      return;
    }
    if (const auto *ds = dyn_cast<DeclStmt>(s)) {
      unsigned id = statement_here(c, counter, s->getSourceRange());
      for (const Decl *d : ds->decls())
        if (const auto *vd = dyn_cast<VarDecl>(d))
          declare_local(vd, c, id);
      return;
    }
    if (const auto *e = dyn_cast<Expr>(s)) {
      unsigned id = statement_here(c, counter, s->getSourceRange());
      if (isa<CXXThrowExpr>(e->IgnoreParenImpCasts()))
        exit_all(c, "throw", s->getSourceRange());
      visit_in(e, Mode::Read, id, c);
      return;
    }
    // try blocks and other compound forms: walk what they contain.
    for (const Stmt *child : s->children())
      walk_stmt(child, c, counter);
  }

  unsigned statement_here(Ctx &c, unsigned &counter, SourceRange range) {
    Ctx here = c;
    here.position.push_back(counter++);
    return new_statement(here, range);
  }

  void exit_all(const Ctx &c, const char *what, SourceRange range) {
    for (unsigned l : c.nest) {
      tainted_.insert(l);
      broken_levels_.insert(l);
    }
    m_.early_exits.push_back({what, range});
  }

  /// A variable declared in the loop body. Integer variables that are never written
  /// after their initialisation and hold an affine value are constants: uses are
  /// replaced by the value, and no access is recorded. All others are locals, private
  /// to the iterations of the enclosing levels.
  void declare_local(const VarDecl *vd, const Ctx &c, unsigned stmt) {
    local_scope_[vd] = c.nest;
    const Expr *init = vd->getInit();
    if (init && is_integer(vd->getType()) && !vd->getType()->isReferenceType() && !written(vd)) {
      std::string why;
      const Ctx *saved = current_ctx_;
      current_ctx_ = &c;
      std::optional<AffineExpr> value = affine(init, why);
      current_ctx_ = saved;
      if (value) {
        constants_[vd] = *value;
        return;
      }
      not_affine_[vd] = why;
    } else if (init && is_integer(vd->getType()) && written(vd)) {
      not_affine_[vd] = "'" + vd->getNameAsString() + "' is written inside the loop";
    }
    if (vd->getType()->isReferenceType()) {
      // A reference names other storage; accesses through it go to that storage. Binding
      // it to a variable (auto &B = A) reads nothing; binding it to an element or the
      // result of an expression evaluates that expression.
      if (init && !isa<DeclRefExpr>(init->IgnoreParenImpCasts()))
        visit_in(init, Mode::Read, stmt, c);
      return;
    }
    if (init) {
      if (const auto *construct = dyn_cast<CXXConstructExpr>(init->IgnoreImplicit())) {
        for (const Expr *arg : construct->arguments())
          visit_in(arg, Mode::Read, stmt, c);
      } else {
        visit_in(init, Mode::Read, stmt, c);
      }
      const Ctx *saved = current_ctx_;
      unsigned saved_stmt = current_stmt_;
      current_ctx_ = &c;
      current_stmt_ = stmt;
      unsigned a = array_of_decl(vd);
      record(a, AccessKind::Write, {}, m_.arrays[a].rank > m_.arrays[a].private_dims,
             m_.statements[stmt].conditional, vd->getNameAsString(),
             SourceRange(vd->getLocation(), vd->getLocation()));
      current_ctx_ = saved;
      current_stmt_ = saved_stmt;
    }
  }

  //===--------------------------------------------------------------------===//
  // Arrays
  //===--------------------------------------------------------------------===//

  /// The canonical declaration a name refers to: references initialised from another
  /// variable resolve to it; `may_alias` is set when a reference cannot be followed.
  const ValueDecl *canonical(const ValueDecl *d, bool &may_alias) const {
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

  unsigned array_of(const DeclRefExpr *ref) { return array_of_decl(ref->getDecl()); }

  unsigned array_of_decl(const ValueDecl *decl) {
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
    std::set<std::string> taken;
    for (const ArrayInfo &a : m_.arrays)
      taken.insert(a.name);
    info.name = d->getNameAsString();
    for (unsigned n = 1; taken.count(info.name); ++n)
      info.name = d->getNameAsString() + "_" + std::to_string(n);
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

  /// An array named by an expression weft cannot resolve to a variable (a member, a call
  /// result): one entry per spelling, assumed to alias anything of its type.
  unsigned array_of_expr(const Expr *e) {
    std::string spelling = text(e->getSourceRange());
    std::string key = "expr:" + spelling;
    auto it = array_index_.find(key);
    if (it != array_index_.end())
      return it->second;
    ArrayInfo info;
    info.name = spelling;
    for (unsigned n = 1; std::any_of(m_.arrays.begin(), m_.arrays.end(),
                                     [&](const ArrayInfo &a) { return a.name == info.name; });
         ++n)
      info.name = spelling + "_" + std::to_string(n);
    info.may_alias = true;
    info.declared_at = e->getBeginLoc();
    classify(info, e->getType());
    unsigned index = m_.arrays.size();
    m_.arrays.push_back(info);
    array_index_[key] = index;
    return index;
  }

  void classify(ArrayInfo &info, QualType type) {
    QualType t = type.getNonReferenceType();
    const TemplateArgumentList *args = template_args(t);
    auto arg_type = [&](unsigned i) {
      return args && args->size() > i && args->get(i).getKind() == TemplateArgument::Type
                 ? args->get(i).getAsType().getAsString(ctx_.getPrintingPolicy())
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
      info.element_type = elem.getAsString(ctx_.getPrintingPolicy());
    } else if (t->isArrayType()) {
      info.kind = ArrayKind::CArray;
      QualType elem = t;
      while (const ArrayType *at = elem->getAsArrayTypeUnsafe()) {
        ++info.rank;
        elem = at->getElementType();
      }
      info.element_type = elem.getAsString(ctx_.getPrintingPolicy());
    } else if (t->isPointerType()) {
      info.kind = ArrayKind::Pointer;
      info.may_alias = true;
      QualType elem = t;
      while (elem->isPointerType() || elem->isArrayType()) {
        ++info.rank;
        elem = elem->isPointerType() ? elem->getPointeeType()
                                     : QualType(elem->getAsArrayTypeUnsafe()->getElementType());
      }
      info.element_type = elem.getAsString(ctx_.getPrintingPolicy());
    } else if (t->isRecordType()) {
      info.kind = ArrayKind::Object;
      info.element_type = t.getAsString(ctx_.getPrintingPolicy());
    } else {
      info.kind = ArrayKind::Scalar;
      info.element_type = t.getUnqualifiedType().getAsString(ctx_.getPrintingPolicy());
    }
  }

  /// The DistArray a Buffer variable was constructed on (its first constructor argument).
  std::string buffer_target_of(const ValueDecl *d) {
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

  void record(unsigned array, AccessKind kind, std::vector<Subscript> subscripts, bool whole,
              bool may, std::string spelling, SourceRange range) {
    ArrayInfo &info = m_.arrays[array];
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
  void record_mode(unsigned array, Mode mode, const std::vector<Subscript> &subs, bool whole,
                   bool may, const Expr *e) {
    if (use_site_)
      e = use_site_;
    std::string spelling = text(e->getSourceRange());
    if (mode == Mode::Read || mode == Mode::ReadWrite)
      record(array, AccessKind::Read, subs, whole, may, spelling, e->getSourceRange());
    if (mode == Mode::Write || mode == Mode::ReadWrite)
      record(array, AccessKind::Write, subs, whole, may, spelling, e->getSourceRange());
  }

  Subscript subscript(const Expr *e) {
    Subscript s;
    s.text = text(e->getSourceRange());
    s.range = e->getSourceRange();
    s.affine = affine(e, s.unknown);
    if (s.affine)
      s.unknown.clear();
    return s;
  }

  //===--------------------------------------------------------------------===//
  // Affine expressions
  //===--------------------------------------------------------------------===//

  bool level_in_scope(unsigned level) const {
    if (!current_ctx_)
      return false;
    for (unsigned l : current_ctx_->nest)
      if (l == level)
        return true;
    return false;
  }

  /// The sparse key dim that `e` reads (e.key[d] of an enclosing sparse range-for).
  std::optional<std::string> sparse_key(const Expr *e) const {
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
    base = base->IgnoreParenImpCasts();
    if (const auto *ref = dyn_cast<DeclRefExpr>(base))
      if (const auto *binding = dyn_cast<BindingDecl>(ref->getDecl()))
        if (binding->getBinding())
          base = binding->getBinding()->IgnoreParenImpCasts(); // auto &[key, value] : R
    const auto *member = dyn_cast<MemberExpr>(base);
    if (!member || member->getMemberDecl()->getName() != "key")
      return std::nullopt;
    const auto *ref = dyn_cast<DeclRefExpr>(member->getBase()->IgnoreParenImpCasts());
    const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
    auto it = vd ? loop_var_level_.find(vd) : loop_var_level_.end();
    if (it == loop_var_level_.end() || m_.levels[it->second].kind != LevelKind::SparseRange ||
        !level_in_scope(it->second))
      return std::nullopt;
    std::optional<int64_t> d = constant(index);
    const LoopLevel &lv = m_.levels[it->second];
    if (!d || *d < 0 || static_cast<size_t>(*d) >= lv.dims.size())
      return std::nullopt;
    return lv.dims[*d];
  }

  /// `e` as an affine expression of the enclosing dims and parameters, or nullopt with
  /// `why` naming the sub-expression that is not affine.
  std::optional<AffineExpr> affine(const Expr *e, std::string &why) {
    e = e->IgnoreParens();
    if (const auto *cast = dyn_cast<CastExpr>(e)) {
      QualType to = cast->getType(), from = cast->getSubExpr()->getType();
      bool value_preserving =
          cast->getCastKind() == CK_LValueToRValue || cast->getCastKind() == CK_NoOp ||
          (cast->getCastKind() == CK_IntegralCast && is_integer(to) && is_integer(from));
      if (value_preserving)
        return affine(cast->getSubExpr(), why);
      if (!is_integer(to) || !is_integer(from)) {
        why = "'" + text(e->getSourceRange()) + "' converts a non-integer value";
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
      case BO_Sub: {
        std::optional<AffineExpr> l = affine(b->getLHS(), why);
        if (!l)
          return std::nullopt;
        std::optional<AffineExpr> r = affine(b->getRHS(), why);
        if (!r)
          return std::nullopt;
        std::optional<AffineExpr> out = b->getOpcode() == BO_Add ? l->plus(*r) : l->minus(*r);
        if (!out)
          why = "'" + text(e->getSourceRange()) + "' overflows 64-bit arithmetic";
        return out;
      }
      case BO_Mul: {
        std::optional<AffineExpr> l = affine(b->getLHS(), why);
        if (!l)
          return std::nullopt;
        std::optional<AffineExpr> r = affine(b->getRHS(), why);
        if (!r)
          return std::nullopt;
        if (!l->is_constant() && !r->is_constant()) {
          why = "'" + text(e->getSourceRange()) + "' multiplies two variables";
          return std::nullopt;
        }
        std::optional<AffineExpr> out =
            l->is_constant() ? r->times(l->constant) : l->times(r->constant);
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

  std::optional<AffineExpr> affine_variable(const DeclRefExpr *ref, std::string &why) {
    if (const auto *binding = dyn_cast<BindingDecl>(ref->getDecl()))
      if (const Expr *part = binding->getBinding())
        return affine(part, why);
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
    if (declared_in_loop(vd)) {
      why = "'" + name + "' is declared in the loop without an affine initial value";
      return std::nullopt;
    }
    // An integer the loop never writes: a parameter.
    if (vd->getType()->isReferenceType()) {
      why = "'" + name + "' is a reference whose target may change";
      return std::nullopt;
    }
    return AffineExpr::variable(
        param("var:" + std::to_string(reinterpret_cast<uintptr_t>(vd)), name));
  }

  /// X.size() or X.shape()[d] of a weft array or std container the loop does not resize.
  /// `declare` false only tests the form, without adding a parameter.
  std::optional<AffineExpr> size_parameter(const Expr *e, bool declare = true) {
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
    return AffineExpr::variable(
        param("size:" + std::to_string(reinterpret_cast<uintptr_t>(vd)) + suffix, name + suffix));
  }

  //===--------------------------------------------------------------------===//
  // Expressions: accesses and calls
  //===--------------------------------------------------------------------===//

  /// Visits `e`, whose value is used as `mode` says; `may` marks conditional evaluation.
  void visit(const Expr *e, Mode mode, bool may) {
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
  void escape(const Expr *e, bool may) {
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

  void visit_variable(const DeclRefExpr *ref, Mode mode, bool may) {
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
  void visit_sparse_value(const VarDecl *entry, const Expr *e, Mode mode, bool may) {
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

  void visit_member(const MemberExpr *member, Mode mode, bool may) {
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
  bool writes_to_spelling(const MemberExpr *member) {
    std::string spelling = text(member->getSourceRange());
    return member_writes_.count(spelling) != 0 || scan_member_writes(spelling);
  }
  std::set<std::string> member_writes_;
  bool member_writes_scanned_ = false;
  bool scan_member_writes(const std::string &spelling) {
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
  void visit_element(const Expr *e, Mode mode, bool may) {
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

  void visit_operator(const CXXOperatorCallExpr *op, Mode mode, bool may) {
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

  unsigned array_for_object(const Expr *object, bool may) {
    if (const auto *ref = dyn_cast<DeclRefExpr>(object))
      return array_of(ref);
    visit(object, Mode::Read, may);
    return array_of_expr(object);
  }

  /// X(i, j) on a DistArray or Buffer: one access with the call's arguments as subscripts.
  void record_indexed(const CXXOperatorCallExpr *op, const Expr *object, Mode mode, bool may,
                      AccessKind kind) {
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
  void visit_member_call(const CXXMemberCallExpr *call, Mode mode, bool may) {
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

  //===--------------------------------------------------------------------===//
  // Calls
  //===--------------------------------------------------------------------===//

  /// Why calling `fd` may touch memory weft does not see, or empty when it cannot:
  /// its body is visible and writes only its own locals, calls only such functions,
  /// and reads no mutable global.
  std::string effects_of(const FunctionDecl *fd, unsigned depth = 0) {
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
  std::map<const FunctionDecl *, std::string> effects_;

  std::string body_effects(const FunctionDecl *fd, const Stmt *s, unsigned depth) {
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
    if (const auto *b = dyn_cast<BinaryOperator>(s);
        b && b->isAssignmentOp() && !local(b->getLHS()))
      return "it writes '" + text(b->getLHS()->getSourceRange()) + "'";
    if (const auto *u = dyn_cast<UnaryOperator>(s);
        u && (u->isIncrementDecrementOp() || u->getOpcode() == UO_AddrOf) &&
        !local(u->getSubExpr()))
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
        if (const CXXMethodDecl *md = mc->getMethodDecl();
            md && !md->isConst() && !md->isStatic()) {
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

  void visit_call(const CallExpr *call, bool may) {
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
  void visit_argument(const Expr *arg, bool writable, bool may) {
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
  void escape_pointer(const Expr *pointer) {
    unsigned a = array_of_expr(pointer);
    if (const auto *ref = dyn_cast<DeclRefExpr>(pointer))
      a = array_of(ref);
    record_mode(a, Mode::ReadWrite, {}, true, true, pointer);
  }

  std::map<const VarDecl *, const Expr *> range_vars_; ///< range-for variables of Unknown levels
  std::map<unsigned, unsigned> sparse_arrays_;         ///< SparseRange level -> its array
};

} // namespace

std::vector<LoopModel> build_loop_models(ASTContext &ctx, const std::vector<Pragma> &pragmas) {
  const SourceManager &sm = ctx.getSourceManager();
  BodyCollector collector(sm);
  collector.TraverseDecl(ctx.getTranslationUnitDecl());

  struct Bound {
    const Pragma *pragma;
    const Stmt *loop;
  };
  std::vector<Bound> bound;
  for (const Pragma &p : pragmas) {
    SourceLocation loc = sm.getExpansionLoc(p.location);
    if (!sm.isInMainFile(loc)) {
      report(ctx, loc, DiagnosticsEngine::Warning,
             "'#pragma %0' outside the main file is ignored; weft rewrites only the file it "
             "is given",
             {p.spelling});
      continue;
    }
    const FunctionDecl *owner = nullptr;
    for (const FunctionDecl *fd : collector.bodies)
      if (contains(fd->getBody()->getSourceRange(), loc, sm))
        owner = fd; // later bodies are nested deeper (lambdas, local classes)
    if (!owner) {
      report(ctx, loc, DiagnosticsEngine::Error,
             "'#pragma %0' must be placed before a loop inside a function body", {p.spelling});
      continue;
    }
    if (owner->isDependentContext()) {
      report(ctx, loc, DiagnosticsEngine::Error,
             "'#pragma %0' inside a template is not supported; annotate a loop in a "
             "non-template function",
             {p.spelling});
      continue;
    }
    const Stmt *next = statement_after(owner->getBody(), loc, sm);
    if (!next || !(isa<ForStmt>(next) || isa<CXXForRangeStmt>(next))) {
      report(ctx, loc, DiagnosticsEngine::Error, "'#pragma %0' must be followed by a for loop",
             {p.spelling});
      if (next)
        report(ctx, next->getBeginLoc(), DiagnosticsEngine::Note,
               "the statement that follows the pragma is here", {}, next->getSourceRange());
      continue;
    }
    bool duplicate = false;
    for (const Bound &b : bound)
      if (b.loop == next) {
        report(ctx, loc, DiagnosticsEngine::Error,
               "the loop already has a '#pragma weft'; only one is allowed per loop");
        report(ctx, sm.getExpansionLoc(b.pragma->location), DiagnosticsEngine::Note,
               "the earlier pragma is here");
        duplicate = true;
      }
    if (!duplicate)
      bound.push_back({&p, next});
  }

  // Annotated loops may not nest: the outer one's schedule would have to contain the
  // inner one's.
  std::vector<LoopModel> models;
  for (const Bound &b : bound) {
    const Bound *outer = nullptr;
    for (const Bound &o : bound)
      if (&o != &b && contains(o.loop->getSourceRange(), b.loop->getBeginLoc(), sm))
        outer = &o;
    if (outer) {
      report(ctx, sm.getExpansionLoc(b.pragma->location), DiagnosticsEngine::Error,
             "'#pragma %0' inside another annotated loop is not supported", {b.pragma->spelling});
      report(ctx, sm.getExpansionLoc(outer->pragma->location), DiagnosticsEngine::Note,
             "the enclosing annotated loop is here");
      continue;
    }
    LoopModel model;
    model.pragma = *b.pragma;
    ModelBuilder(ctx, model).build(b.loop);
    models.push_back(std::move(model));
  }
  return models;
}

} // namespace weft
