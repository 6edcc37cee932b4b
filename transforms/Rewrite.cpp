//===- Rewrite.cpp - Annotated loops into calls of the runtime's executors ===//
#include "Rewrite.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/Stmt.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "clang/Rewrite/Core/Rewriter.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <variant>

namespace weft {
namespace {

using clang::SourceLocation;
using clang::SourceRange;

/// Why a loop cannot be rewritten; the message completes "kept sequential: ...".
struct Refused {
  std::string why;
};

/// The line break the main file uses: that of its first line ("\r\n", "\r" for old Mac
/// files, which clang reads too, or "\n"); "\n" for a file of one line. Inserted text
/// uses it, so the output keeps the file's convention.
std::string line_break(const clang::SourceManager &sm) {
  llvm::StringRef buffer = sm.getBufferData(sm.getMainFileID());
  size_t at = buffer.find_first_of("\r\n");
  if (at == llvm::StringRef::npos || buffer[at] == '\n')
    return "\n";
  return at + 1 < buffer.size() && buffer[at + 1] == '\n' ? "\r\n" : "\r";
}

/// The offset of the line break that ends the line holding `offset` (a '\r' or '\n'),
/// or the end of `buffer`.
size_t end_of_line(llvm::StringRef buffer, size_t offset) {
  size_t end = buffer.find_first_of("\r\n", offset);
  return end == llvm::StringRef::npos ? buffer.size() : end;
}

/// The offset of the next line's first byte after the line break at `end`.
size_t next_line(llvm::StringRef buffer, size_t end) {
  if (end >= buffer.size())
    return buffer.size();
  return buffer[end] == '\r' && end + 1 < buffer.size() && buffer[end + 1] == '\n' ? end + 2
                                                                                   : end + 1;
}

class Text {
public:
  explicit Text(clang::ASTContext &context)
      : sm_(context.getSourceManager()), lang_(context.getLangOpts()), eol_(line_break(sm_)) {}

  std::string of(SourceRange range) const {
    return clang::Lexer::getSourceText(clang::CharSourceRange::getTokenRange(range), sm_, lang_)
        .str();
  }
  std::string of(const clang::Stmt *s) const { return of(s->getSourceRange()); }
  /// The location just past the token at `loc`.
  SourceLocation after(SourceLocation loc) const {
    return clang::Lexer::getLocForEndOfToken(loc, 0, sm_, lang_);
  }
  /// The location just past the `;` that ends the statement whose last token is at `end`.
  std::optional<SourceLocation> after_semicolon(SourceLocation end) const {
    llvm::Optional<clang::Token> next = clang::Lexer::findNextToken(end, sm_, lang_);
    if (!next || !next->is(clang::tok::semi))
      return std::nullopt;
    return next->getEndLoc();
  }
  /// The location just past statement `s`, its `;` included. clang's source ranges
  /// stop before the `;` of an expression (or jump, or do-while) statement and end at
  /// the `}` of a statement that ends with a block; a null statement is its `;`.
  std::optional<SourceLocation> after_statement(const clang::Stmt *s) const {
    SourceLocation end = s->getEndLoc();
    clang::Token last;
    if (ends_with_block(s) ||
        (!clang::Lexer::getRawToken(end, last, sm_, lang_) && last.is(clang::tok::semi)))
      return after(end);
    return after_semicolon(end);
  }
  /// Whether `s` ends with the `}` of a block of its own (nested loops, if/else, switch,
  /// try, labels before such a statement).
  static bool ends_with_block(const clang::Stmt *s) {
    while (s) {
      if (llvm::isa<clang::CompoundStmt, clang::CXXTryStmt>(s))
        return true;
      if (const auto *f = llvm::dyn_cast<clang::ForStmt>(s))
        s = f->getBody();
      else if (const auto *r = llvm::dyn_cast<clang::CXXForRangeStmt>(s))
        s = r->getBody();
      else if (const auto *w = llvm::dyn_cast<clang::WhileStmt>(s))
        s = w->getBody();
      else if (const auto *i = llvm::dyn_cast<clang::IfStmt>(s))
        s = i->getElse() ? i->getElse() : i->getThen();
      else if (const auto *sw = llvm::dyn_cast<clang::SwitchStmt>(s))
        s = sw->getBody();
      else if (const auto *l = llvm::dyn_cast<clang::LabelStmt>(s))
        s = l->getSubStmt();
      else if (const auto *a = llvm::dyn_cast<clang::AttributedStmt>(s))
        s = a->getSubStmt();
      else
        return false;
    }
    return false;
  }
  /// Whether `range` is plain text of the main file (not inside a macro).
  bool rewritable(SourceRange range) const {
    return range.isValid() && range.getBegin().isFileID() && range.getEnd().isFileID() &&
           sm_.isInMainFile(range.getBegin()) && sm_.isInMainFile(range.getEnd());
  }
  const clang::SourceManager &sm() const { return sm_; }
  /// The main file's line break (line_break).
  const std::string &eol() const { return eol_; }

private:
  const clang::SourceManager &sm_;
  const clang::LangOptions &lang_;
  std::string eol_;
};

/// How deeply parentheses, square brackets and braces nest through the main file, from
/// its raw tokens (preprocessor directives are skipped; what macros expand to is not
/// seen). clang keeps at most LangOptions::BracketDepth of each kind open at once (256
/// unless -fbracket-depth says otherwise).
class BracketDepths {
public:
  struct Depth {
    unsigned paren = 0, square = 0, brace = 0;
  };

  BracketDepths(const clang::SourceManager &sm, const clang::LangOptions &lang) {
    clang::FileID main = sm.getMainFileID();
    llvm::StringRef buffer = sm.getBufferData(main);
    clang::Lexer lexer(sm.getLocForStartOfFile(main), lang, buffer.begin(), buffer.begin(),
                       buffer.end());
    Depth depth;
    bool directive = false;
    clang::Token tok;
    while (!lexer.LexFromRawLexer(tok)) {
      if (tok.isAtStartOfLine())
        directive = tok.is(clang::tok::hash);
      if (directive)
        continue;
      unsigned *count = tok.isOneOf(clang::tok::l_paren, clang::tok::r_paren)     ? &depth.paren
                        : tok.isOneOf(clang::tok::l_square, clang::tok::r_square) ? &depth.square
                        : tok.isOneOf(clang::tok::l_brace, clang::tok::r_brace)   ? &depth.brace
                                                                                  : nullptr;
      if (!count)
        continue;
      if (tok.isOneOf(clang::tok::l_paren, clang::tok::l_square, clang::tok::l_brace))
        ++*count;
      else if (*count > 0)
        --*count;
      changes_.emplace_back(sm.getFileOffset(tok.getLocation()), depth);
    }
  }

  /// The largest depth of each kind over the bytes [from, to) of the main file, the
  /// brackets open at `from` included.
  Depth deepest(unsigned from, unsigned to) const {
    auto it = std::lower_bound(changes_.begin(), changes_.end(), from,
                               [](const auto &change, unsigned at) { return change.first < at; });
    Depth most = it == changes_.begin() ? Depth() : std::prev(it)->second;
    for (; it != changes_.end() && it->first < to; ++it) {
      most.paren = std::max(most.paren, it->second.paren);
      most.square = std::max(most.square, it->second.square);
      most.brace = std::max(most.brace, it->second.brace);
    }
    return most;
  }

private:
  /// At each bracket token (its file offset, ascending): the depths after it.
  std::vector<std::pair<unsigned, Depth>> changes_;
};

/// Parenthesizes `text` unless it is one token or already in parentheses.
std::string operand(const clang::Expr *e, const std::string &text) {
  const clang::Expr *bare = e->IgnoreImpCasts();
  if (llvm::isa<clang::DeclRefExpr, clang::IntegerLiteral, clang::ParenExpr, clang::CallExpr,
                clang::MemberExpr, clang::ArraySubscriptExpr>(bare))
    return text;
  return "(" + text + ")";
}

/// An index bound for weft::rt::IndexRange{...}: cast unless it converts to int64 without
/// narrowing (braces reject narrowing).
std::string index_bound(clang::ASTContext &context, const clang::Expr *e, const std::string &text) {
  clang::QualType t = e->IgnoreImpCasts()->getType();
  if (t->isSignedIntegerType() && context.getTypeSize(t) <= 64)
    return text;
  return "static_cast<std::int64_t>(" + text + ")";
}

const clang::VarDecl *referenced_var(const clang::Expr *e) {
  if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(e->IgnoreParenImpCasts()))
    return llvm::dyn_cast<clang::VarDecl>(ref->getDecl());
  return nullptr;
}

bool mentions(const clang::Stmt *s, const clang::ValueDecl *var) {
  if (!s)
    return false;
  if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(s))
    if (ref->getDecl() == var)
      return true;
  for (const clang::Stmt *child : s->children())
    if (mentions(child, var))
      return true;
  return false;
}

/// The loop header of one level, as the lambda's parameter and the range it covers.
struct Header {
  std::string param;       ///< "const auto& e", "int64_t i"
  std::string prologue;    ///< first statements of the lambda body (structured bindings)
  std::string range;       ///< "R" or "weft::rt::IndexRange{0, n}"
  std::string begin, end;  ///< counted levels: the bounds of IndexRange, end exclusive
  const clang::VarDecl *var = nullptr;
  const clang::Stmt *body = nullptr;
  int64_t step = 1; ///< counted levels: the loop variable's step
  /// The executor's index is not the loop variable (a step other than 1 or -1): it does
  /// not name the rows the loop touches.
  bool strided = false;
};

/// `for (<decl> : R)` over a weft::SparseArray.
std::variant<Header, Refused> sparse_header(const clang::CXXForRangeStmt *loop, const Text &text) {
  Header h;
  h.body = loop->getBody();
  h.range = text.of(loop->getRangeInit());
  const clang::VarDecl *var = loop->getLoopVariable();
  SourceRange decl_range(var->getBeginLoc(), var->getLocation());
  if (const auto *binding = llvm::dyn_cast<clang::DecompositionDecl>(var)) {
    // [&](const auto& weft_entry) { const auto& [key, value] = weft_entry; ...
    const clang::BindingDecl *last = binding->bindings().back();
    std::string spelled = text.of(SourceRange(binding->getBeginLoc(), last->getLocation()));
    bool used = false;
    for (const clang::BindingDecl *b : binding->bindings())
      used = used || mentions(h.body, b);
    h.param = "const auto& weft_entry";
    h.prologue = std::string(used ? " " : " [[maybe_unused]] ") + spelled + "] = weft_entry;";
    return h;
  }
  h.var = var;
  h.param = text.of(decl_range);
  // -Wunused-parameter would flag a body that never names the entry.
  if (!mentions(h.body, var))
    h.param = "[[maybe_unused]] " + h.param;
  return h;
}

/// `for (T i = first; i < end; ++i)` and the forms with <=, >, >=, != and steps of -1.
std::variant<Header, Refused> counted_header(clang::ASTContext &context,
                                             const clang::ForStmt *loop, const Text &text) {
  Header h;
  h.body = loop->getBody();
  const auto *init = llvm::dyn_cast_or_null<clang::DeclStmt>(loop->getInit());
  if (!init || !init->isSingleDecl())
    return Refused{"its loop variable is not declared in the loop header (the value it has "
                   "after the loop would change)"};
  const auto *var = llvm::dyn_cast<clang::VarDecl>(init->getSingleDecl());
  if (!var || !var->getInit() || !var->getType()->isIntegerType())
    return Refused{"its loop variable is not an integer declared in the loop header"};
  h.var = var;
  h.param = text.of(SourceRange(var->getBeginLoc(), var->getLocation()));
  const bool used = mentions(h.body, var);
  if (!used)
    h.param = "[[maybe_unused]] " + h.param;

  // The step: ++i, i++, --i, i--, i += c, i -= c with a constant c.
  int64_t step = 0;
  const clang::Expr *inc = loop->getInc();
  if (const auto *u = llvm::dyn_cast_or_null<clang::UnaryOperator>(inc)) {
    if (referenced_var(u->getSubExpr()) == var)
      step = u->isIncrementOp() ? 1 : u->isDecrementOp() ? -1 : 0;
  } else if (const auto *c = llvm::dyn_cast_or_null<clang::CompoundAssignOperator>(inc)) {
    clang::Expr::EvalResult value;
    if (referenced_var(c->getLHS()) == var && c->getRHS()->EvaluateAsInt(value, context) &&
        value.Val.getInt().getMinSignedBits() <= 32) {
      int64_t v = value.Val.getInt().getSExtValue();
      step = c->getOpcode() == clang::BO_AddAssign ? v : c->getOpcode() == clang::BO_SubAssign ? -v : 0;
    }
  }
  if (step == 0)
    return Refused{"its step is not a constant (i += c, ++i, --i)"};
  h.step = step;

  const auto *cond = llvm::dyn_cast_or_null<clang::BinaryOperator>(loop->getCond());
  if (!cond)
    return Refused{"its condition is not a comparison of the loop variable"};
  clang::BinaryOperatorKind op = cond->getOpcode();
  const clang::Expr *bound = nullptr;
  if (referenced_var(cond->getLHS()) == var) {
    bound = cond->getRHS();
  } else if (referenced_var(cond->getRHS()) == var) {
    bound = cond->getLHS();
    // n > i  is  i < n.
    switch (op) {
    case clang::BO_LT: op = clang::BO_GT; break;
    case clang::BO_GT: op = clang::BO_LT; break;
    case clang::BO_LE: op = clang::BO_GE; break;
    case clang::BO_GE: op = clang::BO_LE; break;
    default: break;
    }
  }
  if (!bound || mentions(bound, var))
    return Refused{"its condition is not a comparison of the loop variable with a bound"};
  const clang::Expr *first = var->getInit();
  std::string first_text = index_bound(context, first, text.of(first));
  std::string bound_text = index_bound(context, bound, text.of(bound));
  auto plus_one = [&](const clang::Expr *e, const std::string &t) {
    return operand(e, t) + " + 1";
  };
  auto minus_one = [&](const clang::Expr *e, const std::string &t) {
    return operand(e, t) + " - 1";
  };
  // The values the loop variable takes are  first + step * n  for 0 <= n < trips; with
  // step 1 (or -1) they are the range itself.
  std::string limit; // exclusive, in the direction of the step
  if (step > 0 && (op == clang::BO_LT || (op == clang::BO_NE && step == 1)))
    limit = bound_text;
  else if (step > 0 && op == clang::BO_LE)
    limit = plus_one(bound, bound_text);
  else if (step < 0 && (op == clang::BO_GT || (op == clang::BO_NE && step == -1)))
    limit = bound_text;
  else if (step < 0 && op == clang::BO_GE)
    limit = minus_one(bound, bound_text);
  else
    return Refused{"its condition does not bound the loop variable in the direction it steps"};
  if (step == 1) {
    h.begin = first_text, h.end = limit;
  } else if (step == -1) {
    // The same values in ascending order: the executors that take this loop run its
    // iterations in any order (the wavefront accepts only loops that count up).
    h.begin = op == clang::BO_GE ? bound_text : plus_one(bound, bound_text);
    h.end = plus_one(first, first_text);
  } else {
    h.begin = "0";
    h.end = "weft::rt::trip_count(" + first_text + ", " + limit + ", " + std::to_string(step) + ")";
    const std::string type = var->getType().getAsString(context.getPrintingPolicy());
    h.prologue = std::string(used ? " const " : " [[maybe_unused]] const ") + type + " " +
                 var->getName().str() + " = static_cast<" + type + ">(" +
                 operand(first, first_text) + " + " + std::to_string(step) + " * weft_n);";
    h.param = "std::int64_t weft_n";
    h.strided = true;
  }
  h.range = "weft::rt::IndexRange{" + h.begin + ", " + h.end + "}";
  return h;
}

/// The `continue` statements that continue the annotated loop (not a loop nested in
/// it, not inside a lambda).
class ContinueFinder : public clang::RecursiveASTVisitor<ContinueFinder> {
public:
  std::vector<const clang::ContinueStmt *> found;

  bool TraverseForStmt(clang::ForStmt *) { return true; }
  bool TraverseWhileStmt(clang::WhileStmt *) { return true; }
  bool TraverseDoStmt(clang::DoStmt *) { return true; }
  bool TraverseCXXForRangeStmt(clang::CXXForRangeStmt *) { return true; }
  bool TraverseLambdaExpr(clang::LambdaExpr *) { return true; }
  bool VisitContinueStmt(clang::ContinueStmt *s) {
    found.push_back(s);
    return true;
  }
};

std::vector<const clang::ContinueStmt *> continues_of(const clang::Stmt *body) {
  ContinueFinder finder;
  finder.TraverseStmt(const_cast<clang::Stmt *>(body));
  return finder.found;
}

/// Whether a `break` in `body` leaves the loop around it (not a loop or switch nested in
/// it, not inside a lambda).
class BreakFinder : public clang::RecursiveASTVisitor<BreakFinder> {
public:
  bool found = false;

  bool TraverseForStmt(clang::ForStmt *) { return true; }
  bool TraverseWhileStmt(clang::WhileStmt *) { return true; }
  bool TraverseDoStmt(clang::DoStmt *) { return true; }
  bool TraverseCXXForRangeStmt(clang::CXXForRangeStmt *) { return true; }
  bool TraverseSwitchStmt(clang::SwitchStmt *) { return true; }
  bool TraverseLambdaExpr(clang::LambdaExpr *) { return true; }
  bool VisitBreakStmt(clang::BreakStmt *) {
    found = true;
    return false;
  }
};

bool breaks_out_of(const clang::Stmt *body) {
  BreakFinder finder;
  finder.TraverseStmt(const_cast<clang::Stmt *>(body));
  return finder.found;
}

/// The dim of levels[0] that `s` names exactly (d, with coefficient 1 and no constant).
std::optional<unsigned> key_dim(const LoopModel &m, const Subscript &s) {
  if (!s.affine || s.affine->constant != 0 || s.affine->coeffs.size() != 1 ||
      s.affine->coeffs.begin()->second != 1)
    return std::nullopt;
  const std::vector<std::string> &dims = m.levels[0].dims;
  for (unsigned d = 0; d < dims.size(); ++d)
    if (dims[d] == s.affine->coeffs.begin()->first)
      return d;
  return std::nullopt;
}

/// The executor's Footprint: written DistArrays with the key dim naming their rows,
/// read DistArrays, accumulators, buffers.
struct FootprintText {
  std::string text;         ///< weft::rt::Footprint().write(W, 0)...
  bool buffers = false;     ///< the loop writes through a Buffer
  std::set<int> write_dims; ///< the key dims of the written arrays
};

std::variant<FootprintText, Refused> footprint(const LoopModel &m, bool strided) {
  std::vector<std::string> writes, reads, reduces, buffers;
  std::set<int> write_dims;
  for (unsigned a = 0; a < m.arrays.size(); ++a) {
    const ArrayInfo &array = m.arrays[a];
    if (array.local)
      continue;
    bool written = false, read = false, reduced = false, buffered = false;
    std::optional<int> write_dim, read_dim;
    bool write_dims_agree = true, read_dims_agree = true;
    for (const Access &access : m.accesses) {
      if (access.array != a)
        continue;
      std::optional<unsigned> d;
      if (!strided && !access.whole_array && !access.subscripts.empty())
        d = key_dim(m, access.subscripts[0]);
      switch (access.kind) {
      case AccessKind::Reduce: reduced = true; break;
      case AccessKind::BufferUpdate: buffered = true; break;
      case AccessKind::Write:
        written = true;
        if (!d || (write_dim && *write_dim != static_cast<int>(*d)))
          write_dims_agree = false;
        else
          write_dim = *d;
        break;
      case AccessKind::Read:
        read = true;
        if (!d || (read_dim && *read_dim != static_cast<int>(*d)))
          read_dims_agree = false;
        else
          read_dim = *d;
        break;
      }
    }
    if (reduced)
      reduces.push_back(".reduce(" + array.name + ")");
    if (buffered)
      buffers.push_back(".buffer(" + array.name + ")");
    if (written) {
      if (array.kind == ArrayKind::SparseArray)
        return Refused{"it writes the values of the SparseArray '" + array.name +
                       "', which the runtime partitions read-only"};
      if (array.kind != ArrayKind::DistArray)
        return Refused{"it writes '" + array.name + "', a " +
                       std::string(array_kind_name(array.kind)) +
                       "; only the rows of weft::DistArrays move between processes"};
      if (strided)
        return Refused{"it writes rows of '" + array.name +
                       "' and steps by more than one; the executors partition the rows of "
                       "written arrays by a loop that steps by one"};
      if (!write_dims_agree || !write_dim)
        return Refused{"it writes rows of '" + array.name +
                       "' that no single key of the loop names (the first subscript must be "
                       "a key, such as " +
                       m.levels[0].dim_labels[0] + ")"};
      writes.push_back(".write(" + array.name + ", " + std::to_string(*write_dim) + ")");
      write_dims.insert(static_cast<int>(*write_dim));
    } else if (read && array.kind == ArrayKind::DistArray) {
      if (read_dims_agree && read_dim)
        reads.push_back(".read(" + array.name + ", " + std::to_string(*read_dim) + ")");
      else
        reads.push_back(".read(" + array.name + ")");
    }
  }
  FootprintText fp;
  fp.text = "weft::rt::Footprint()";
  for (const auto *part : {&writes, &reads, &reduces, &buffers})
    for (const std::string &p : *part)
      fp.text += p;
  fp.buffers = !buffers.empty();
  fp.write_dims = write_dims;
  return fp;
}

/// wavefront_halo without its budget: may throw isl::exception_quota.
std::variant<std::pair<int64_t, int64_t>, Refused> wavefront_halo_of(const Dependences &deps) {
  int64_t halo[2] = {0, 0};
  for (const Dependence &dep : deps.deps) {
    // The band dims of both statements (the first two of each), in one space.
    isl_map *rel = dep.relation.copy();
    isl_size in = isl_map_dim(rel, isl_dim_in), out = isl_map_dim(rel, isl_dim_out);
    if (in < 2 || out < 2) {
      isl_map_free(rel);
      return Refused{"a statement lies outside the inner loop of the wavefront"};
    }
    rel = isl_map_project_out(rel, isl_dim_in, 2, static_cast<unsigned>(in - 2));
    rel = isl_map_project_out(rel, isl_dim_out, 2, static_cast<unsigned>(out - 2));
    rel = isl_map_set_tuple_name(rel, isl_dim_in, "B");
    rel = isl_map_set_tuple_name(rel, isl_dim_out, "B");
    if (!rel)
      isl::exception::throw_last_error(deps.isl->ctx);
    isl::map band = isl::manage(rel);
    isl::set delta = band.deltas();
    for (int d = 0; d < 2; ++d) {
      isl::val lo = delta.dim_min_val(d), hi = delta.dim_max_val(d);
      if (!lo.is_int() || !hi.is_int() || lo.is_neg())
        return Refused{std::string("a dependence of its wavefront does not point up and to the "
                                   "left by a bounded distance (the executor needs distances ") +
                       "0 <= d <= h in both dims; a skewed wavefront is not rewritten yet)"};
      halo[d] = std::max<int64_t>(halo[d], hi.get_num_si());
    }
  }
  return std::make_pair(halo[0], halo[1]);
}

/// Wavefront: the largest distance of any dependence along the two band dims, or why
/// the executor cannot run them (it needs every dependence to point up and to the left).
/// The isl work here has a budget of --isl-max-operations of its own; past it the loop
/// is refused, never an isl error.
std::variant<std::pair<int64_t, int64_t>, Refused> wavefront_halo(const Dependences &deps) {
  isl_ctx_reset_operations(deps.isl->ctx.get());
  try {
    return wavefront_halo_of(deps);
  } catch (const isl::exception_quota &) {
    return Refused{"finding its wavefront's halo needs more isl operations than "
                   "--isl-max-operations allows"};
  }
}

/// Local variables of the enclosing function that the loop body reads only by value.
class ValueReads : public clang::RecursiveASTVisitor<ValueReads> {
public:
  std::map<const clang::VarDecl *, std::pair<unsigned, unsigned>> uses; ///< all, by value

  bool VisitDeclRefExpr(clang::DeclRefExpr *ref) {
    if (const auto *var = llvm::dyn_cast<clang::VarDecl>(ref->getDecl()))
      ++uses[var].first;
    return true;
  }
  bool VisitImplicitCastExpr(clang::ImplicitCastExpr *cast) {
    if (cast->getCastKind() == clang::CK_LValueToRValue)
      if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(cast->getSubExpr()->IgnoreParens()))
        if (const auto *var = llvm::dyn_cast<clang::VarDecl>(ref->getDecl()))
          ++uses[var].second;
    return true;
  }
};

/// The lambda's captures: everything by reference, except the arithmetic locals of the
/// enclosing function that the loop only reads by value, which are copied. A scalar
/// captured by reference is read through a pointer that every store to a float or int
/// array may alias, so the compiler reloads it after each store and may not vectorize
/// the loops around it; a copy stays in a register, as in the serial loop. A copy is
/// the same value: nothing writes the variable while the loop runs. (Variables usable
/// in constant expressions need no capture, and capturing them would stop them being
/// constants.)
std::string captures(clang::ASTContext &context, const LoopModel &m, const clang::Stmt *body) {
  ValueReads reads;
  reads.TraverseStmt(const_cast<clang::Stmt *>(body));
  const clang::SourceManager &sm = context.getSourceManager();
  std::vector<std::string> copies;
  for (const auto &[var, counts] : reads.uses) {
    if (counts.first != counts.second || !var->hasLocalStorage() || var->getName().empty() ||
        !var->getType()->isArithmeticType() || var->isUsableInConstantExpressions(context) ||
        llvm::isa<clang::DecompositionDecl, clang::BindingDecl>(var))
      continue;
    // Declared outside the loop.
    if (!sm.isBeforeInTranslationUnit(var->getLocation(), m.range.getBegin()))
      continue;
    copies.push_back(var->getName().str());
  }
  std::sort(copies.begin(), copies.end());
  std::string out = "&";
  for (const std::string &name : copies)
    out += ", " + name;
  return out;
}

/// The counted loop directly inside `body` and nothing else, or null.
const clang::ForStmt *sole_inner_for(const clang::Stmt *body) {
  if (const auto *inner = llvm::dyn_cast<clang::ForStmt>(body))
    return inner;
  if (const auto *block = llvm::dyn_cast<clang::CompoundStmt>(body))
    if (block->size() == 1)
      return llvm::dyn_cast<clang::ForStmt>(block->body_front());
  return nullptr;
}

std::string schedule_comment(const Schedule &s) {
  std::string what = verdict_name(s.verdict);
  switch (s.verdict) {
  case Verdict::Rotation2D:
    what += " (space " + s.dims[s.space_dim] + ", time " + s.dims[s.time_dim] + ")";
    break;
  case Verdict::Partition1D:
    what += " (by " + s.dims[s.partition_dim] + ")";
    break;
  default:
    break;
  }
  return "weft: " + what + ": " + s.why;
}

/// `text` as `//` comment lines of at most 100 columns after `indent`, separated by `eol`.
std::string comment_lines(const std::string &text, const std::string &indent,
                          const std::string &eol) {
  const size_t width = indent.size() + 3 < 100 ? 100 - indent.size() - 3 : 40;
  std::string out, line;
  for (llvm::StringRef rest = text; !rest.empty();) {
    auto [word, tail] = rest.split(' ');
    rest = tail;
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += (out.empty() ? "" : eol + indent) + "// " + line;
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word.str();
  }
  if (!line.empty())
    out += (out.empty() ? "" : eol + indent) + "// " + line;
  return out;
}

class LoopRewriter {
public:
  LoopRewriter(clang::ASTContext &context, clang::Rewriter &rewriter)
      : context_(context), rewriter_(rewriter), text_(context) {}

  /// Rewrites one loop, or returns why not (then nothing was changed).
  std::optional<Refused> rewrite(const AnalyzedLoop &loop, std::string *executor) {
    const LoopModel &m = *loop.model;
    const Schedule &s = *loop.schedule;
    const LoopLevel &top = m.levels[0];
    SourceRange whole(m.pragma.location, m.range.getEnd());
    if (!text_.rewritable(whole))
      return Refused{"the loop is written inside a macro"};

    const std::string session = "weft::rt::Session::current()";
    std::string call;
    std::vector<Header> headers;
    if (s.verdict == Verdict::Pipeline)
      return Refused{"the pipeline executor (gpu-runtime) is not built yet"};
    if (s.verdict == Verdict::Sequential)
      return Refused{"its verdict is sequential"};
    if (s.verdict == Verdict::Wavefront) {
      const auto *outer = llvm::dyn_cast_or_null<clang::ForStmt>(top.stmt);
      if (!outer || s.dims.size() != 2)
        return Refused{"the wavefront executor runs two perfectly nested counted loops; this "
                       "band has " +
                       std::to_string(s.dims.size()) + " dims"};
      const clang::ForStmt *inner = sole_inner_for(outer->getBody());
      if (!inner)
        return Refused{"the wavefront's outer loop holds more than its inner loop"};
      for (const clang::ForStmt *f : {outer, inner}) {
        std::variant<Header, Refused> h = counted_header(context_, f, text_);
        if (auto *r = std::get_if<Refused>(&h))
          return *r;
        headers.push_back(std::get<Header>(h));
      }
    } else {
      std::variant<Header, Refused> h = header(top);
      if (auto *r = std::get_if<Refused>(&h))
        return *r;
      headers.push_back(std::get<Header>(h));
    }
    // Every place the edits touch must be text of the main file.
    for (const Header &h : headers)
      if (!text_.rewritable(h.body->getSourceRange()))
        return Refused{"the loop is written inside a macro"};
    if (!text_.rewritable(SourceRange(top.range.getBegin(), headers.back().body->getBeginLoc())))
      return Refused{"the loop is written inside a macro"};
    std::variant<FootprintText, Refused> fp_or = footprint(m, headers[0].strided);
    if (auto *r = std::get_if<Refused>(&fp_or))
      return *r;
    const FootprintText &fp = std::get<FootprintText>(fp_or);

    const std::string &range = headers[0].range;
    const bool sparse = top.kind == LevelKind::SparseRange;
    switch (s.verdict) {
    case Verdict::DataParallel:
    case Verdict::Partition1D:
    case Verdict::Relaxed: {
      // These executors partition the iterations by the rows they write: one key dim
      // (for partition_1d, the partition's).
      if (fp.write_dims.size() > 1)
        return Refused{"its written arrays are indexed by different keys, and the executor for " +
                       std::string(verdict_name(s.verdict)) + " partitions the iterations by one"};
      if (s.verdict == Verdict::Partition1D) {
        if (!sparse && s.partition_dim != 0)
          return Refused{"partitioning by " + s.dims[s.partition_dim] +
                         ", a loop nested in the annotated one, needs an interchange the "
                         "rewrite does not make"};
        if (!fp.write_dims.empty() && *fp.write_dims.begin() != static_cast<int>(s.partition_dim))
          return Refused{"its written arrays are not indexed by " + s.dims[s.partition_dim] +
                         ", the dim it is partitioned by"};
      }
      if (fp.buffers) {
        // Buffered updates need the executor that flushes them: relaxed, which partitions
        // the iterations like partition_1d when the loop also writes rows directly.
        if (!sparse && !fp.write_dims.empty())
          return Refused{"it writes rows both directly and through a Buffer, which the relaxed "
                         "executor takes only over the entries of a SparseArray"};
        *executor = "relaxed";
        call = "weft::rt::relaxed(" + session + ", " + range;
      } else if (s.verdict == Verdict::Partition1D) {
        *executor = "partition_1d";
        call = "weft::rt::partition_1d(" + session + ", " + range +
               (sparse ? ", /*dim=*/" + std::to_string(s.partition_dim) : "");
      } else if (s.verdict == Verdict::Relaxed) {
        return Refused{"its verdict is relaxed but it writes through no Buffer"};
      } else {
        *executor = "data_parallel";
        call = "weft::rt::data_parallel(" + session + ", " + range;
      }
      break;
    }
    case Verdict::Rotation2D: {
      *executor = "rotation_2d";
      if (!sparse)
        return Refused{"rotation_2d runs only over the entries of a weft::SparseArray"};
      for (int d : fp.write_dims)
        if (d != static_cast<int>(s.space_dim) && d != static_cast<int>(s.time_dim))
          return Refused{"a written array's rows are named by " + s.dims[d] +
                         ", neither the space nor the time dim"};
      call = "weft::rt::rotation_2d(" + session + ", " + range + ", /*space=*/" +
             std::to_string(s.space_dim) + ", /*time=*/" + std::to_string(s.time_dim);
      break;
    }
    case Verdict::Wavefront: {
      *executor = "wavefront";
      const auto *outer = llvm::cast<clang::ForStmt>(top.stmt);
      const clang::ForStmt *inner = sole_inner_for(outer->getBody());
      if (headers[0].step != 1 || headers[1].step != 1)
        return Refused{"the wavefront executor runs loops that count up by one"};
      if (mentions(inner->getInit(), headers[0].var) || mentions(inner->getCond(), headers[0].var))
        return Refused{"the inner loop's bounds depend on the outer loop (the wavefront "
                       "executor runs a rectangle)"};
      if (fp.buffers)
        return Refused{"the wavefront executor does not take Buffers"};
      std::variant<std::pair<int64_t, int64_t>, Refused> halo = wavefront_halo(*loop.deps);
      if (auto *r = std::get_if<Refused>(&halo))
        return *r;
      // Written arrays must be indexed (i, j, ...) by the two loop variables.
      const std::string want[2] = {m.levels[0].dims[0], m.levels[1].dims[0]};
      for (const Access &a : m.accesses) {
        if (a.kind != AccessKind::Write || m.arrays[a.array].local)
          continue;
        bool exact = a.subscripts.size() >= 2;
        for (unsigned d = 0; exact && d < 2; ++d) {
          const Subscript &sub = a.subscripts[d];
          exact = sub.affine && sub.affine->constant == 0 && sub.affine->coeffs.size() == 1 &&
                  sub.affine->coeffs.begin()->first == want[d] &&
                  sub.affine->coeffs.begin()->second == 1;
        }
        if (!exact)
          return Refused{"the wavefront executor needs every written array indexed by the two "
                         "loop variables first, and '" +
                         a.text + "' is not"};
      }
      auto [rows, cols] = std::get<std::pair<int64_t, int64_t>>(halo);
      call = "weft::rt::wavefront(" + session + ", weft::rt::Wavefront{{" + headers[0].begin +
             ", " + headers[0].end + "}, {" + headers[1].begin + ", " + headers[1].end + "}, " +
             "/*halo_rows=*/" + std::to_string(std::max<int64_t>(rows, 1)) +
             ", /*halo_cols=*/" + std::to_string(std::max<int64_t>(cols, 1)) + "}";
      break;
    }
    case Verdict::Pipeline:
    case Verdict::Sequential:
      break;
    }

    const Header &innermost = headers.back();
    const clang::Stmt *body = innermost.body;
    const bool compound = llvm::isa<clang::CompoundStmt>(body);
    // Where the body ends (after its `}` or `;`) and where what is left of the loop ends
    // (the wavefront's outer braces), both before anything is edited.
    std::optional<SourceLocation> body_end = text_.after_statement(body);
    if (!body_end)
      return Refused{"the loop body does not end with ';' or '}'"};
    // The body becomes a lambda run once per iteration: a `break` of the loop around it
    // (a wavefront's inner loop, which the executor replaces) would leave nothing.
    if (breaks_out_of(body))
      return Refused{"'break' leaves the loop around its body, and the executor runs the body "
                     "as a lambda, once per iteration"};
    const SourceLocation loop_end = m.range.getEnd() == body->getEndLoc()
                                        ? *body_end
                                        : text_.after(m.range.getEnd());

    // Arrays the analysis assumed distinct (docs/design.md, "Aliasing"): the call runs
    // only when they are, otherwise the loop as written. Its text is taken before any
    // edit.
    std::string guard, fallback;
    if (!loop.deps->assumed_distinct.empty()) {
      std::vector<std::string> pairs;
      for (const auto &[x, y] : loop.deps->assumed_distinct)
        pairs.push_back("{&" + m.arrays[x].name + ", &" + m.arrays[y].name + "}");
      std::string where;
      for (char c : location_string(m.pragma.location, text_.sm()))
        where += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
      guard = "if (weft::rt::distinct({" + llvm::join(pairs, ", ") + "}, \"" + where +
              "\"))" + text_.eol() +
              indentation(top.range.getBegin()) + "  ";
      const clang::SourceManager &sm = text_.sm();
      unsigned from = sm.getFileOffset(top.range.getBegin());
      unsigned to = sm.getFileOffset(loop_end);
      fallback = sm.getBufferData(sm.getFileID(top.range.getBegin())).substr(from, to - from).str();
    }

    // The executor call puts the body inside one more pair of parentheses (and a body
    // without braces inside braces); past the compiler's limit on open brackets the
    // rewritten program would not compile where the loop did.
    const unsigned limit = context_.getLangOpts().BracketDepth;
    if (!depths_)
      depths_.emplace(text_.sm(), context_.getLangOpts());
    const BracketDepths::Depth deepest = depths_->deepest(
        text_.sm().getFileOffset(top.range.getBegin()), text_.sm().getFileOffset(*body_end));
    if (deepest.paren + 1 > limit || (!compound && deepest.brace + 1 > limit))
      return Refused{"its body nests " +
                     std::string(deepest.paren + 1 > limit ? "parentheses " : "braces ") +
                     std::to_string(deepest.paren + 1 > limit ? deepest.paren : deepest.brace) +
                     " deep, and inside the executor call that passes the compiler's limit of " +
                     std::to_string(limit) + " (-fbracket-depth)"};

    // Everything checked: edit. The pragma line becomes the comment.
    const std::string indent = indentation(top.range.getBegin());
    std::string params;
    for (const Header &h : headers)
      params += (params.empty() ? "" : ", ") + h.param;
    const std::string next_arg = "," + text_.eol() + indent + "    ";
    const std::string prefix = guard + call + next_arg + fp.text + next_arg + "[" +
                               captures(context_, m, body) + "](" + params + ") ";
    replace_pragma(m, comment_lines(schedule_comment(s), indent, text_.eol()));
    // From `for` up to the body: the call.
    rewriter_.RemoveText(
        clang::CharSourceRange::getCharRange(top.range.getBegin(), body->getBeginLoc()));
    if (compound) {
      rewriter_.InsertTextBefore(body->getBeginLoc(), prefix);
      if (!headers[0].prologue.empty())
        rewriter_.InsertTextAfterToken(body->getBeginLoc(), headers[0].prologue);
    } else {
      rewriter_.InsertTextBefore(body->getBeginLoc(), prefix + "{" + headers[0].prologue + " ");
    }
    for (const clang::ContinueStmt *c : continues_of(body))
      rewriter_.ReplaceText(SourceRange(c->getContinueLoc(), c->getContinueLoc()), "return");
    // After the body: close the lambda and the call, dropping what is left of the loop.
    if (loop_end != *body_end)
      rewriter_.RemoveText(clang::CharSourceRange::getCharRange(*body_end, loop_end));
    rewriter_.InsertTextAfter(*body_end, compound ? ");" : " });");
    if (!fallback.empty())
      rewriter_.InsertTextAfter(*body_end, text_.eol() + indent + "else" + text_.eol() + indent + "  " + fallback);
    return std::nullopt;
  }

  /// The pragma line of a loop that stays serial, as a comment.
  void keep_serial(const LoopModel &m, const std::string &comment) {
    replace_pragma(m, comment_lines(comment + " (was: #pragma " + m.pragma.spelling + ")",
                                    indentation(m.pragma.location), text_.eol()));
  }

private:
  std::variant<Header, Refused> header(const LoopLevel &level) {
    if (level.kind == LevelKind::SparseRange)
      if (const auto *loop = llvm::dyn_cast_or_null<clang::CXXForRangeStmt>(level.stmt))
        return sparse_header(loop, text_);
    if (level.kind == LevelKind::Counted)
      if (const auto *loop = llvm::dyn_cast_or_null<clang::ForStmt>(level.stmt))
        return counted_header(context_, loop, text_);
    return Refused{"the runtime runs loops over a weft::SparseArray or counted loops only"};
  }

  std::string indentation(SourceLocation loc) const {
    const clang::SourceManager &sm = text_.sm();
    unsigned column = sm.getSpellingColumnNumber(loc);
    llvm::StringRef buffer = sm.getBufferData(sm.getFileID(loc));
    unsigned offset = sm.getFileOffset(loc);
    llvm::StringRef line = buffer.substr(offset - (column - 1), column - 1);
    return line.find_first_not_of(" \t") == llvm::StringRef::npos ? line.str() : "";
  }

  /// Replaces the pragma directive, from its '#' up to the line break that ends it
  /// (Pragma::end: past backslash-continued lines and comments), with `comment`; the
  /// line break stays.
  void replace_pragma(const LoopModel &m, const std::string &comment) {
    const clang::SourceManager &sm = text_.sm();
    SourceLocation hash = m.pragma.location;
    // A _Pragma inside a macro has no line of its own in the file: leave it.
    if (!hash.isFileID() || !sm.isInMainFile(hash))
      return;
    llvm::StringRef buffer = sm.getBufferData(sm.getFileID(hash));
    size_t offset = sm.getFileOffset(hash);
    SourceLocation end_loc = m.pragma.end;
    size_t end = end_loc.isValid() && end_loc.isFileID() &&
                         sm.getFileID(end_loc) == sm.getFileID(hash) &&
                         sm.getFileOffset(end_loc) >= offset
                     ? sm.getFileOffset(end_loc)
                     : end_of_line(buffer, offset);
    rewriter_.ReplaceText(hash, static_cast<unsigned>(end - offset), comment);
  }

  clang::ASTContext &context_;
  clang::Rewriter &rewriter_;
  Text text_;
  std::optional<BracketDepths> depths_; ///< lexed at the first loop that needs them
};

/// Gives `main` the runtime's Session as its first statement.
void add_session(clang::ASTContext &context, clang::Rewriter &rewriter, const Text &text) {
  for (const clang::Decl *d : context.getTranslationUnitDecl()->decls()) {
    const auto *fn = llvm::dyn_cast<clang::FunctionDecl>(d);
    if (!fn || !fn->isMain() || !fn->doesThisDeclarationHaveABody())
      continue;
    // int main() try { ... } catch (...) { ... }: the session opens the try block.
    const clang::Stmt *outer = fn->getBody();
    if (const auto *t = llvm::dyn_cast<clang::CXXTryStmt>(outer))
      outer = t->getTryBlock();
    const auto *body = llvm::dyn_cast<clang::CompoundStmt>(outer);
    if (!body || !text.rewritable(SourceRange(body->getLBracLoc(), body->getLBracLoc())))
      continue;
    std::string session;
    if (fn->getNumParams() >= 2 && !fn->getParamDecl(0)->getName().empty() &&
        !fn->getParamDecl(1)->getName().empty() &&
        fn->getParamDecl(1)->getType().getCanonicalType().getAsString() == "char **")
      session = "weft::rt::Session weft_session(" + fn->getParamDecl(0)->getName().str() + ", " +
                fn->getParamDecl(1)->getName().str() + ", weft::rt::Output::Root);";
    else
      session = "weft::rt::Session weft_session(weft::rt::Output::Root);";
    // On lines of their own, so that code after the brace on its line stays code.
    const std::string &eol = text.eol();
    rewriter.InsertTextAfterToken(
        body->getLBracLoc(),
        eol + "  // weft: MPI processes and threads for the parallel loops" + eol + "  " + session);
  }
}

/// Whether `line` is `#include <weft/weft.h>` (or with quotes), spaces allowed.
bool includes_weft_header(llvm::StringRef line) {
  line = line.ltrim();
  if (!line.consume_front("#"))
    return false;
  line = line.ltrim();
  if (!line.consume_front("include"))
    return false;
  line = line.ltrim();
  return line.startswith("<weft/weft.h>") || line.startswith("\"weft/weft.h\"");
}

/// Includes the runtime after the line that includes weft/weft.h (or first in the file).
/// Lines end at "\n", "\r\n" or "\r", as clang reads them.
void add_include(clang::ASTContext &context, clang::Rewriter &rewriter, const Text &text) {
  const clang::SourceManager &sm = context.getSourceManager();
  clang::FileID main = sm.getMainFileID();
  llvm::StringRef buffer = sm.getBufferData(main);
  const std::string line = "#include <weft/parallel.h>  // weft: the parallel runtime" + text.eol();
  SourceLocation start = sm.getLocForStartOfFile(main);
  // A UTF-8 byte order mark stays the file's first bytes.
  const size_t first = buffer.startswith("\xEF\xBB\xBF") ? 3 : 0;
  for (size_t at = first; at < buffer.size();) {
    size_t end = end_of_line(buffer, at);
    if (includes_weft_header(buffer.slice(at, end))) {
      if (end == buffer.size())
        rewriter.InsertTextAfter(start.getLocWithOffset(static_cast<int>(end)), text.eol() + line);
      else
        rewriter.InsertTextBefore(start.getLocWithOffset(static_cast<int>(next_line(buffer, end))),
                                  line);
      return;
    }
    at = next_line(buffer, end);
  }
  rewriter.InsertTextBefore(start.getLocWithOffset(static_cast<int>(first)), line);
}

} // namespace

std::string rewrite_source(clang::ASTContext &context, const std::vector<AnalyzedLoop> &loops,
                           std::vector<LoopRewrite> *results) {
  clang::SourceManager &sm = context.getSourceManager();
  clang::Rewriter rewriter(sm, context.getLangOpts());
  LoopRewriter loop_rewriter(context, rewriter);
  clang::DiagnosticsEngine &diags = context.getDiagnostics();
  std::vector<bool> parallel; // per loop so far: rewritten into an executor call
  for (const AnalyzedLoop &loop : loops) {
    LoopRewrite result;
    std::optional<Refused> refused;
    const int outer = loop.model->enclosing;
    if (outer >= 0 && static_cast<size_t>(outer) < parallel.size() && parallel[outer]) {
      // The executor of the enclosing loop runs this loop, as written, in each of its
      // iterations; its pragma becomes a comment.
      result.kept_serial = "the enclosing annotated loop runs in parallel";
      unsigned id = diags.getDiagnosticIDs()->getCustomDiagID(
          clang::DiagnosticIDs::Remark,
          "annotated loop ignored: the enclosing annotated loop runs in parallel");
      diags.Report(loop.model->pragma.location, id);
      loop_rewriter.keep_serial(*loop.model,
                                "weft: ignored: the enclosing annotated loop runs in parallel");
      parallel.push_back(false);
      if (results)
        results->push_back(result);
      continue;
    }
    if (loop.schedule->verdict == Verdict::Sequential) {
      refused = Refused{"its verdict is sequential"};
    } else {
      // rewrite() checks everything before its first edit: a refusal changes nothing.
      refused = loop_rewriter.rewrite(loop, &result.executor);
      if (!refused) {
        result.parallel = true;
      } else {
        result.executor.clear();
        result.kept_serial = refused->why;
        unsigned id = diags.getDiagnosticIDs()->getCustomDiagID(
            clang::DiagnosticIDs::Warning, "loop kept sequential: %0 (its verdict is %1)");
        diags.Report(loop.model->pragma.location, id) << refused->why
                                                      << verdict_name(loop.schedule->verdict);
      }
    }
    if (refused)
      loop_rewriter.keep_serial(*loop.model,
                                loop.schedule->verdict == Verdict::Sequential
                                    ? "weft: sequential: " + loop.schedule->why
                                    : "weft: " +
                                          std::string(verdict_name(loop.schedule->verdict)) +
                                          ", but kept sequential: " + refused->why);
    parallel.push_back(result.parallel);
    if (results)
      results->push_back(result);
  }
  // A file with annotated loops becomes a parallel program even when every loop stays
  // sequential: it takes the runtime's --weft-* options and, under mpirun, prints once.
  if (!loops.empty()) {
    Text text(context);
    add_include(context, rewriter, text);
    add_session(context, rewriter, text);
  }
  clang::FileID main = sm.getMainFileID();
  if (const clang::RewriteBuffer *buffer = rewriter.getRewriteBufferFor(main))
    return std::string(buffer->begin(), buffer->end());
  return sm.getBufferData(main).str();
}

} // namespace weft
