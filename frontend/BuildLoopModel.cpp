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
#include "ModelBuilder.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

namespace weft {

namespace frontend {

namespace {

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
  // The call operators of lambdas: the function of a loop in a lambda outside every
  // function body (a lambda that initializes a variable at namespace scope).
  bool VisitLambdaExpr(LambdaExpr *lambda) {
    const CXXMethodDecl *call = lambda->getCallOperator();
    if (call && call->getBody() && sm_.isInMainFile(sm_.getExpansionLoc(lambda->getBeginLoc())))
      lambdas.push_back(call);
    return true;
  }
  std::vector<const FunctionDecl *> bodies;
  std::vector<const FunctionDecl *> lambdas;

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

} // namespace

//===----------------------------------------------------------------------===//
// Step 2: build the model of one loop: levels and statements
//===----------------------------------------------------------------------===//

void ModelBuilder::build(const Stmt *loop) {
  scan_writes(loop);
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

std::string ModelBuilder::fresh_name(std::string base, const std::set<std::string> &taken) {
  if (base.empty())
    base = "t";
  std::string name = base;
  for (unsigned n = 1; is_isl_keyword(name) || taken.count(name) || names_.count(name); ++n)
    name = base + "_" + std::to_string(n);
  return name;
}

/// isl name of the parameter for `key` (a variable, or an object's size/shape).
std::string ModelBuilder::param(const std::string &key, const std::string &base) {
  auto it = param_names_.find(key);
  if (it != param_names_.end())
    return it->second;
  std::string name = fresh_name(base, {});
  names_.insert(name);
  param_names_[key] = name;
  m_.params.push_back(name);
  return name;
}

bool ModelBuilder::declared_in_loop(const Decl *d) const {
  return contains(m_.range, sm_.getExpansionLoc(d->getLocation()), sm_);
}

/// Creates the level of `loop` inside `c` and walks its body.
void ModelBuilder::walk_loop(const Stmt *loop, const Ctx &c, unsigned &counter) {
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

void ModelBuilder::unknown_level(unsigned id, const std::string &why,
                                 const std::set<std::string> &enclosing, const std::string &var) {
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
void ModelBuilder::describe_for(unsigned id, const ForStmt *f,
                                const std::set<std::string> &enclosing, const Ctx &c) {
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
                  f->getInc()
                      ? "the increment '" + text(f->getInc()->getSourceRange()) +
                            "' does not add a non-zero constant to '" + name + "'"
                      : "the loop has no increment (its header does not step '" + name + "')",
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
  lv.var_decl = var;
  lv.declared_in_header = isa_and_nonnull<DeclStmt>(f->getInit());
  lv.first = start;
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
      lv.bound = rhs;
      lv.comparison = op == BO_LT   ? Comparison::Less
                      : op == BO_LE ? Comparison::LessEqual
                      : op == BO_GT ? Comparison::Greater
                      : op == BO_GE ? Comparison::GreaterEqual
                                    : Comparison::NotEqual;
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
      bound_why = "the condition '" + text(cond->getSourceRange()) + "' does not compare '" + name +
                  "' with a bound";
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

void ModelBuilder::describe_range_for(unsigned id, const CXXForRangeStmt *r,
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
  // A variable, or a field path of one or of `this` (m.R, R in a method): one array.
  std::optional<unsigned> field;
  if (!ref && var && is_weft(range->getType(), "SparseArray")) {
    const Ctx *saved = current_ctx_;
    current_ctx_ = &c;
    field = member_array(range);
    current_ctx_ = saved;
  }
  if ((!ref && !field) || !is_weft(range->getType(), "SparseArray") || !var) {
    unknown_level(id,
                  "range-for over '" + text(range->getSourceRange()) +
                      "', which is not a weft::SparseArray variable or field",
                  enclosing, name);
    range_vars_[var] = range;
    return;
  }
  {
    LoopLevel &lv = m_.levels[id];
    lv.kind = LevelKind::SparseRange;
    lv.var = name;
    const TemplateArgumentList *args = template_args(range->getType());
    unsigned rank = args && args->size() > 1 && args->get(1).getKind() == TemplateArgument::Integral
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
  unsigned array = field ? *field : array_of(ref);
  sparse_arrays_[id] = array;
  m_.levels[id].sparse_array = m_.arrays[array].name;
  // The same parameters as R.shape()[d] in a subscript or bound (a field's: its own).
  std::string key = field ? "field:" + m_.arrays[array].name
                          : std::to_string(reinterpret_cast<uintptr_t>(ref->getDecl()));
  std::string label = field ? m_.arrays[array].name : ref->getDecl()->getNameAsString();
  for (char &ch : label)
    if (!std::isalnum(static_cast<unsigned char>(ch)))
      ch = '_';
  for (unsigned d = 0; d < m_.levels[id].dims.size(); ++d) {
    std::string suffix = "_shape" + std::to_string(d);
    m_.levels[id].extents.push_back(param("size:" + key + suffix, label + suffix));
  }
  current_ctx_ = saved;
  loop_var_level_[var] = id;
}

unsigned ModelBuilder::new_statement(const Ctx &c, SourceRange range) {
  Statement s;
  s.id = m_.statements.size();
  s.levels = c.nest;
  s.position = c.position;
  s.conditional = c.conditional;
  s.item = body_item_;
  for (unsigned l : c.nest)
    if (tainted_.count(l))
      s.conditional = true;
  s.text = text(range);
  s.range = range;
  m_.statements.push_back(s);
  return s.id;
}

/// A statement for the memory a loop header reads, if it reads any.
void ModelBuilder::header_statement(const Ctx &inner, const std::vector<const Expr *> &exprs,
                                    const Stmt *loop, const std::string &header) {
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

void ModelBuilder::visit_in(const Expr *e, Mode mode, unsigned stmt, const Ctx &c) {
  unsigned saved_stmt = current_stmt_;
  const Ctx *saved_ctx = current_ctx_;
  current_stmt_ = stmt;
  current_ctx_ = &c;
  visit(e, mode, m_.statements[stmt].conditional);
  current_stmt_ = saved_stmt;
  current_ctx_ = saved_ctx;
}

void ModelBuilder::walk_stmt(const Stmt *s, Ctx &c, unsigned &counter) {
  if (!s)
    return;
  // Each statement directly in the annotated loop's body is an item: what nests in it
  // (an if's branches, a block, an inner loop) belongs to it.
  if (c.nest.size() == 1 && body_item_ < 0 && !isa<CompoundStmt>(s)) {
    body_item_ = static_cast<int>(body_items_++);
    walk_stmt(s, c, counter);
    body_item_ = -1;
    return;
  }
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
    if (c.nest.size() == 1)
      m_.continues.push_back(s->getSourceRange());
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
  // try blocks and their handlers: walk what they contain.
  if (isa<CXXTryStmt>(s) || isa<CXXCatchStmt>(s)) {
    for (const Stmt *child : s->children())
      walk_stmt(child, c, counter);
    return;
  }
  // Inline assembly, coroutine statements, and anything else: not modelled.
  unsigned id = statement_here(c, counter, s->getSourceRange());
  const unsigned saved = current_stmt_;
  current_stmt_ = id;
  unknown_effect(s, std::string("is a statement of a kind weft does not model (") +
                        s->getStmtClassName() + ")");
  current_stmt_ = saved;
}

unsigned ModelBuilder::statement_here(Ctx &c, unsigned &counter, SourceRange range) {
  Ctx here = c;
  here.position.push_back(counter++);
  return new_statement(here, range);
}

void ModelBuilder::exit_all(const Ctx &c, const char *what, SourceRange range) {
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
void ModelBuilder::declare_local(const VarDecl *vd, const Ctx &c, unsigned stmt) {
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
    // it to a variable or a field path (auto &B = A, auto &W = g.even) reads nothing;
    // binding it to an element or the result of an expression evaluates that
    // expression. A reference bound to an element, a field or a variable is that
    // expression wherever it is used.
    if (init && !is_field_path(init))
      visit_in(init, Mode::Read, stmt, c);
    if (init && names_storage(init))
      ref_bindings_[vd] = init->IgnoreParenImpCasts();
    return;
  }
  if (!init)
    return;
  visit_in(init, Mode::Read, stmt, c); // constructors included
  const Ctx *saved = current_ctx_;
  unsigned saved_stmt = current_stmt_;
  current_ctx_ = &c;
  current_stmt_ = stmt;
  if (const CXXRecordDecl *rd = vd->getType()->getBaseElementTypeUnsafe()->getAsCXXRecordDecl();
      rd && rd->hasDefinition() && !vd->isStaticLocal())
    destructor_effects(rd->getDestructor(), init, m_.statements[stmt].conditional);
  // A Buffer declared in the loop is not installed by the runtime: its updates go to
  // its target at once (Effects.cpp, buffer_update), and the Buffer itself is no array.
  if (!is_weft(vd->getType(), "Buffer")) {
    unsigned a = array_of_decl(vd);
    record(a, AccessKind::Write, {}, m_.arrays[a].rank > m_.arrays[a].private_dims,
           m_.statements[stmt].conditional, vd->getNameAsString(),
           SourceRange(vd->getLocation(), vd->getLocation()));
  }
  current_ctx_ = saved;
  current_stmt_ = saved_stmt;
}

/// Whether `e` is an lvalue naming storage weft can name again at each use: a variable,
/// a field, an element of a DistArray, C array or std container, a sparse entry's key.
bool ModelBuilder::names_storage(const Expr *e) const {
  e = e->IgnoreParenImpCasts();
  if (!e->isGLValue())
    return false;
  if (const auto *ref = dyn_cast<DeclRefExpr>(e))
    return isa<VarDecl>(ref->getDecl());
  if (const auto *member = dyn_cast<MemberExpr>(e))
    return isa<FieldDecl>(member->getMemberDecl()) &&
           (member->isArrow() || names_storage(member->getBase()));
  if (const auto *as = dyn_cast<ArraySubscriptExpr>(e))
    return names_storage(as->getBase()) || as->getBase()->getType()->isPointerType();
  if (const auto *op = dyn_cast<CXXOperatorCallExpr>(e))
    return op->getNumArgs() > 0 &&
           ((op->getOperator() == OO_Call && is_weft(op->getArg(0)->getType(), "DistArray")) ||
            (op->getOperator() == OO_Subscript && is_std_container(op->getArg(0)->getType()))) &&
           names_storage(op->getArg(0));
  return false;
}

} // namespace frontend

using namespace clang;
using namespace frontend;

std::vector<LoopModel> build_loop_models(ASTContext &ctx, const std::vector<Pragma> &pragmas) {
  const SourceManager &sm = ctx.getSourceManager();
  BodyCollector collector(sm);
  collector.TraverseDecl(ctx.getTranslationUnitDecl());

  struct Bound {
    const Pragma *pragma;
    const Stmt *loop;
    const FunctionDecl *function;
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
    if (!owner)
      for (const FunctionDecl *fd : collector.lambdas)
        if (contains(fd->getBody()->getSourceRange(), loc, sm))
          owner = fd; // later lambdas are nested deeper
    if (!owner) {
      report(ctx, loc, DiagnosticsEngine::Error,
             "'#pragma %0' must be placed before a loop inside a function body", {p.spelling});
      continue;
    }
    if (owner->isDependentContext()) {
      // Valid code weft cannot analyse (types are known only per instantiation): the loop
      // runs as written, like any loop weft cannot prove parallel.
      report(ctx, loc, DiagnosticsEngine::Warning,
             "loop kept sequential: '#pragma %0' inside a template is not analysed; annotate "
             "a loop in a non-template function to parallelize it",
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
      bound.push_back({&p, next, owner});
  }

  // Annotated loops may nest: each gets its model, and the inner one knows the innermost
  // annotated loop around it (the rewrite ignores it when that one runs in parallel).
  std::vector<LoopModel> models;
  std::map<const FunctionDecl *, FunctionUses> function_uses; // shared by the builders
  for (const Bound &b : bound) {
    int outer = -1;
    for (size_t o = 0; o < models.size(); ++o)
      if (contains(bound[o].loop->getSourceRange(), b.loop->getBeginLoc(), sm))
        outer = static_cast<int>(o); // bound is in source order: the last is innermost
    LoopModel model;
    model.pragma = *b.pragma;
    model.enclosing = outer;
    ModelBuilder builder(ctx, model, b.function);
    builder.function_uses = &function_uses;
    builder.build(b.loop);
    models.push_back(std::move(model));
  }
  return models;
}

} // namespace weft
