//===- LoopModel.h - The loop model of one annotated loop ----------------===//
//
// The frontend's output and the analysis' input: everything weft knows about a loop
// marked with `#pragma weft ...`, in terms that map one to one onto isl objects.
//
// Spaces. Every statement S of the loop lives in the space S[d0, ..., dn] whose
// dimensions are the dims of the loop levels that enclose S, outermost first. A counted
// loop level has one dim (its induction variable); a range-for over a SparseArray<T, N>
// has N dims, the keys of the current entry (keys are unique, so the key vector
// identifies the iteration). Parameters are integer variables of the enclosing function
// that the loop never writes; they appear in isl strings as `[p0, p1] -> { ... }`.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_FRONTEND_LOOPMODEL_H
#define WEFT_FRONTEND_LOOPMODEL_H

#include "clang/Basic/SourceLocation.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clang {
class Expr;
class SourceManager;
class Stmt;
class ValueDecl;
class VarDecl;
} // namespace clang

namespace weft {

/// constant + sum over v of coeffs[v] * v, where each v names a loop dim or a parameter.
/// Arithmetic is exact: an operation that would overflow int64 yields nullopt.
struct AffineExpr {
  std::map<std::string, int64_t> coeffs; ///< never holds a zero coefficient
  int64_t constant = 0;

  static AffineExpr constant_expr(int64_t c);
  static AffineExpr variable(const std::string &name);

  bool is_constant() const { return coeffs.empty(); }
  std::optional<AffineExpr> plus(const AffineExpr &other) const;
  std::optional<AffineExpr> minus(const AffineExpr &other) const;
  std::optional<AffineExpr> times(int64_t factor) const;
  /// Writes the expression in isl syntax, e.g. "2i + j - 1" as "2*i + j - 1".
  std::string str() const;
  bool operator==(const AffineExpr &other) const {
    return constant == other.constant && coeffs == other.coeffs;
  }
};

/// The `#pragma weft` directive that annotates a loop.
enum class PragmaKind { ParallelFor, Pipeline };

struct Pragma {
  PragmaKind kind = PragmaKind::ParallelFor;
  bool ordered = false;           ///< `parallel_for ordered`: keep source-order dependences
  clang::SourceLocation location; ///< the `#` of the pragma line
  /// Where the directive ends: the line break that ends its last line (after any
  /// backslash-continued lines and comments), or the end of the file.
  clang::SourceLocation end;
  std::string spelling; ///< the pragma as written after `#pragma`, e.g. "weft parallel_for ordered"
  /// `pipeline schedule(S)`: the schedule the loop asks for ("flush", "gpipe", "1f1b",
  /// "2bw"); empty when the pragma names none (the runtime's default, flush).
  std::string schedule;
};

const char *pragma_kind_name(PragmaKind kind);

/// One level of the loop nest: the annotated loop itself or a loop nested in its body.
enum class LevelKind {
  Counted,     ///< for (i = lo; i < hi; i += step) with integer i
  SparseRange, ///< for (auto &e : R) with R a weft::SparseArray
  Unknown,     ///< any other loop (while, do, a range-for over another container, a for
               ///< whose induction variable is written in the body): iteration count unknown
};

/// How a counted loop's condition compares its variable v with the bound b, written with
/// v on the left (`n > i` is `i < n`).
enum class Comparison { Less, LessEqual, Greater, GreaterEqual, NotEqual };

struct LoopLevel {
  LevelKind kind = LevelKind::Unknown;
  std::string var;               ///< the loop variable as written ("i", "k", "e"); may be empty
  std::vector<std::string> dims; ///< isl names of this level's dims ({"i"}, {"key0", "key1"})
  /// Display names of the dims for users: "i" or "key[0]".
  std::vector<std::string> dim_labels;
  int parent = -1; ///< index of the enclosing level in LoopModel::levels, -1 for the annotated loop
  unsigned depth = 0; ///< number of enclosing levels
  /// Counted levels: the dim d ranges over  lower <= d <= upper  (both inclusive, either
  /// may be absent when the bound is not affine) with  d = start + step * n, n >= 0.
  std::optional<AffineExpr> lower, upper;
  std::optional<AffineExpr> start;
  int64_t step = 1;
  /// Counted levels, as written (what the rewrite turns into an executor's range, affine
  /// or not): the loop variable, whether the header declares it, the expression of its
  /// first value, and the bound its condition compares it with (null when the condition
  /// is not such a comparison).
  const clang::VarDecl *var_decl = nullptr;
  bool declared_in_header = false;
  const clang::Expr *first = nullptr;
  const clang::Expr *bound = nullptr;
  Comparison comparison = Comparison::Less;
  /// Why a bound is missing or the level is Unknown, with the expression that caused it.
  std::string imprecision;
  std::string sparse_array; ///< SparseRange: the canonical name of the iterated array
  /// SparseRange and Unknown levels: parameters bounding the dims from above,
  /// 0 <= dims[d] < extents[d] (the array's shape for keys, the trip count for loops
  /// weft does not understand, whose dim counts iterations from 0).
  std::vector<std::string> extents;
  clang::SourceRange range; ///< the whole loop statement
  const clang::Stmt *stmt = nullptr;
};

/// A statement of the loop body: an expression statement, a declaration, a condition of
/// an if/switch, or the header of a nested loop when the header reads memory.
struct Statement {
  unsigned id = 0;              ///< index in LoopModel::statements; ids follow source order
  std::vector<unsigned> levels; ///< enclosing levels, outermost first (indices into levels)
  /// Source-order position, levels.size() + 1 entries: position[0] is 0 (the annotated
  /// loop itself) and position[k + 1] orders the statement's ancestor within the body of
  /// levels[k] (0 is the loop header, body items count from 1). With the level dims it
  /// gives the 2d+1 schedule [position[0], dims of levels[0], position[1], ...,
  /// position[n]]: source order is the lexicographic order of these vectors.
  std::vector<unsigned> position;
  bool conditional = false; ///< may not execute in every iteration (if, ?:, after continue/break)
  /// The statement of the annotated loop's body that holds this one (its index among
  /// that body's statements): an if with its branches, a block, an inner loop; -1 for the
  /// annotated loop's own header.
  int item = -1;
  /// isl set of the iterations that execute the statement (over-approximated when a
  /// bound is not affine or the statement is conditional), e.g.
  /// "[K] -> { S2[key0, key1, k] : key0 >= 0 and key1 >= 0 and 0 <= k <= -1 + K }".
  std::string domain;
  std::string text; ///< the statement's source text, on one line
  clang::SourceRange range;
};

/// What kind of storage an access goes to.
enum class ArrayKind {
  DistArray,   ///< weft::DistArray<T, N>, accessed as A(i, j)
  SparseArray, ///< weft::SparseArray<T, N>, accessed through the range-for entry (e.value)
  CArray,      ///< T A[n][m], accessed as A[i][j]
  Vector,      ///< std::vector<T> (or nested vectors, std::array), accessed as v[i]
  Pointer,     ///< a pointer indexed as p[i]: the storage it points to is unknown
  Accumulator, ///< weft::Accumulator<T, Op>: a reduction variable
  Buffer,      ///< weft::Buffer<T, N>: relaxed (buffered) writes to a target DistArray
  Scalar,      ///< an arithmetic (or enum, or pointer-valued) variable
  Object,      ///< any other variable (a class object), accessed only as a whole
};

const char *array_kind_name(ArrayKind kind);

struct ArrayInfo {
  std::string name; ///< canonical name: references to another array resolve to its name
  ArrayKind kind = ArrayKind::Scalar;
  unsigned rank = 0;        ///< number of subscripts of an element access
  std::string element_type; ///< as written by clang, e.g. "float"
  /// The canonical type of the name ("weft::DistArray<float, 2>"), and for an Object the
  /// canonical types of every subobject it holds by value (fields and bases, through
  /// nested classes and C arrays): storage another name may denote inside it.
  std::string type_name;
  std::vector<std::string> holds;
  /// The name may denote the same storage as another array of the loop (a reference
  /// parameter, a reference initialised from something weft cannot follow, a pointer).
  bool may_alias = false;
  std::string buffer_target; ///< Buffer: the canonical name of the DistArray it updates
  /// Accumulator: its operator type as written by clang ("std::plus<double>").
  std::string accumulator_op;
  /// A field reached through '.' from a variable (m.W): the variable and the path
  /// ("W"). Storage of one variable overlaps only along one path (m and m.W, not m.W
  /// and m.H).
  const clang::ValueDecl *root = nullptr;
  std::string path;
  /// Declared inside the annotated loop: there is one copy per iteration of the levels
  /// enclosing the declaration, so every access carries those levels' dims as leading
  /// subscripts (privatization by expansion). `rank` counts them too.
  bool local = false;
  unsigned private_dims = 0; ///< for locals: how many leading subscripts are those dims
  const clang::ValueDecl *decl = nullptr;
  /// An array named by an expression (a field path, an unresolved expression): the
  /// expression whose text is `name`.
  const clang::Expr *spelled = nullptr;
  clang::SourceLocation declared_at;
};

enum class AccessKind {
  Read,
  Write,
  Reduce,       ///< `acc += x` on an Accumulator: combined with the accumulator's operator
  BufferUpdate, ///< `buf(i, j) += x` on a Buffer: applied to the target with apply_fn
};

const char *access_kind_name(AccessKind kind);

/// One subscript of an access: affine when weft understands it exactly.
struct Subscript {
  std::optional<AffineExpr> affine;
  std::string text;    ///< the expression as written (for generated subscripts, the dim name)
  std::string unknown; ///< when not affine: why, naming the offending sub-expression
  /// A range of indices instead of one (the rows a weft::nn view names): when both are
  /// set, the access touches every e with  range_begin <= e < range_end. `affine` is
  /// then empty, so that code which needs one index per access treats it as unknown;
  /// the access relation (analysis/Dependences.cpp) uses the range.
  std::optional<AffineExpr> range_begin, range_end;
  clang::SourceRange range;
};

struct Access {
  unsigned array = 0; ///< index in LoopModel::arrays
  AccessKind kind = AccessKind::Read;
  std::vector<Subscript> subscripts; ///< one per dimension of the array; empty for scalars
  /// The access may touch any element (a method such as fill(), a pointer passed away, an
  /// element whose address escapes).
  bool whole_array = false;
  bool may = false; ///< may not happen in every execution of its statement
  /// The access is the target of `+=` or `-=`: an update that commutes with others of
  /// its kind, which a weft::Accumulator or weft::Buffer could carry.
  bool additive = false;
  /// A write that certainly touches every element its relation names although a
  /// subscript is not a single affine index: a weft::nn operation's write of a whole
  /// array or of an affine range of rows. It kills earlier writes like an affine one.
  bool exact_region = false;
  unsigned statement = 0;
  std::string text; ///< the access expression as written
  clang::SourceRange range;

  bool is_write() const { return kind != AccessKind::Read; }
  bool all_affine() const;
};

/// How an argument (or the value) of a call treats a minibatch's rows (WEFT_ROWS in
/// include/weft/nn.h).
enum class RowRole {
  None,    ///< not indexed by the rows (a weight, a scalar)
  Rows,    ///< row i goes with row i of the call's other Rows arguments
  SumRows, ///< a sum over the rows of terms of one row each (a weight gradient, a count)
  MeanRows ///< such a sum divided by the number of rows (a mean loss, its gradient)
};

/// An argument of a call whose callee declares WEFT_ROWS, with a role other than None.
struct RowArgument {
  RowRole role = RowRole::None;
  int array = -1;    ///< the DistArray it views (index in LoopModel::arrays), -1 if none
  bool view = false; ///< a rows(array, first, count) view rather than the whole array
  std::string text;  ///< the argument as written
  clang::SourceRange range;
};

/// A call inside the loop body.
struct Call {
  std::string callee; ///< qualified name, or the callee expression's text
  /// The callee declares its effects (WEFT_EFFECTS in include/weft/nn.h): the call's
  /// accesses are those of the declaration, not of a summary of its body.
  bool declared_effects = false;
  /// A visible function that is neither a weft::nn operation nor a math function, whose
  /// accesses weft took from a summary of its body (Callees.cpp).
  bool summarized = false;
  /// The call may read or write memory weft cannot see: its body is not visible, or it
  /// writes through a pointer/reference parameter or to a global.
  bool unknown_effects = false;
  std::string why; ///< for unknown_effects: the reason in words
  /// The callee declares how it treats a minibatch's rows (WEFT_ROWS): its arguments with
  /// a role, in parameter order, and the role of its value. `rows_why` says why a
  /// declaration was not taken (empty when there is none or it was).
  bool declared_rows = false;
  std::vector<RowArgument> row_arguments;
  RowRole value_role = RowRole::None;
  std::string rows_why;
  bool returns_void = false;
  /// The call is the right-hand side of `acc += call` on this Accumulator (index in
  /// LoopModel::arrays), -1 otherwise.
  int accumulated_into = -1;
  unsigned statement = 0;
  clang::SourceRange range;
};

/// An expression whose effects weft does not model (docs/design.md, "Effect model"): it
/// may read or write memory weft cannot name, so the loop stays sequential.
struct UnknownEffect {
  std::string what; ///< the expression as written
  std::string why;  ///< the reason, in words
  unsigned statement = 0;
  clang::SourceRange range;
};

/// A jump that leaves the annotated loop or makes its trip count data dependent.
struct EarlyExit {
  std::string what; ///< "break", "return", "goto", "throw", "throw (in std::vector::at)"
  clang::SourceRange range;
};

/// Everything known about one annotated loop.
struct LoopModel {
  Pragma pragma;
  clang::SourceRange range; ///< the annotated loop statement
  /// Integer parameters (sizes) used in bounds and subscripts, in order of first use.
  std::vector<std::string> params;
  /// For a parameter that is the value of a C++ expression, that expression as written at
  /// its first use ("n", "R.shape()[0]", "v.size()"): it has the same value everywhere
  /// in the loop and just before it. Parameters with no such expression (a trip count)
  /// have no entry.
  std::map<std::string, std::string> param_source;
  std::vector<LoopLevel> levels; ///< levels[0] is the annotated loop; parents come first
  std::vector<Statement> statements;
  std::vector<ArrayInfo> arrays;
  std::vector<Access> accesses; ///< in source order within each statement
  std::vector<Call> calls;
  std::vector<UnknownEffect> unknown_effects;
  std::vector<EarlyExit> early_exits;
  /// `continue` statements of the annotated loop itself: the statements after one run
  /// only when it does not.
  std::vector<clang::SourceRange> continues;
  /// The innermost annotated loop around this one (its index among the file's models,
  /// which are in source order), or -1.
  int enclosing = -1;

  /// isl set of the annotated loop's own iterations, over levels[0]'s dims.
  std::string iteration_space() const;
  /// isl set named `tuple` over the dims of `nest` (level indices, outermost first),
  /// constrained by each level's bounds.
  std::string domain_of(const std::vector<unsigned> &nest, const std::string &tuple) const;
};

/// Writes the model as indented text, one fact per line (weftc --emit=model).
std::string print_model(const LoopModel &model, const clang::SourceManager &sm);

/// "file:line:col" of a location, as clang prints it.
std::string location_string(clang::SourceLocation loc, const clang::SourceManager &sm);

} // namespace weft

#endif // WEFT_FRONTEND_LOOPMODEL_H
