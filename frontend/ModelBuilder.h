//===- ModelBuilder.h - Builds the model of one annotated loop (internal) ---===//
//
// The frontend's model builder, shared by the files that implement it, one concern
// each (the entry is build_loop_models in BuildLoopModel.h):
//   BuildLoopModel.cpp  attaching pragmas; loop levels and statements in source order
//   Affine.cpp          subscripts and bounds as affine expressions
//   Arrays.cpp          the storage an access names, and recording accesses
//   Uses.cpp            the pre-scan: which variables the loop may write
//   Effects.cpp         the effect model: which expressions read or write what, and
//                       everything that is an unknown effect (docs/design.md)
//   Callees.cpp         call sites, and the summaries of the functions they call
// Only the frontend's own files include this header.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_FRONTEND_MODELBUILDER_H
#define WEFT_FRONTEND_MODELBUILDER_H

#include "InternalError.h"
#include "LoopModel.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace weft {
namespace frontend {

using namespace clang;

//===----------------------------------------------------------------------===//
// AST helpers (AstUtil.cpp)
//===----------------------------------------------------------------------===//

void report(ASTContext &ctx, SourceLocation loc, DiagnosticsEngine::Level level, const char *format,
            llvm::ArrayRef<std::string> args = {}, SourceRange highlight = {});

std::string source_text(SourceRange range, const ASTContext &ctx);

bool contains(SourceRange range, SourceLocation loc, const SourceManager &sm);

/// The qualified name of the class (template) a type names, without template
/// arguments: "weft::DistArray", "std::vector"; empty for non-class types.
std::string class_name(QualType type);

const TemplateArgumentList *template_args(QualType type);

bool is_weft(QualType type, llvm::StringRef name);

bool is_std_container(QualType type);

bool is_integer(QualType type);

/// Math functions without side effects (C and std:: spellings).
bool is_pure_library_function(const FunctionDecl *fd);

bool is_isl_keyword(const std::string &name);

/// A variable, or a path of non-reference fields through '.' from one (g, g.even,
/// g.inner.W): naming it evaluates nothing.
bool is_field_path(const Expr *e);

/// The statement a case label, label or attribute stands before; nullptr for others.
const Stmt *labelled(const Stmt *s);

/// The expression a cleanup or temporary wrapper holds; nullptr for others.
const Expr *wrapped(const Expr *e);

//===----------------------------------------------------------------------===//
// Uses of variables (Uses.cpp)
//===----------------------------------------------------------------------===//

/// What one use of a variable may do to it.
struct UseKind {
  bool write = false;             ///< its value or an element or field may change
  bool reshape = false;           ///< for objects: more than its elements may change (size, shape)
  const VarDecl *binds = nullptr; ///< a reference variable bound to the whole variable
};

/// Classifies the use `use` of a variable by what encloses it (`ancestors`, outermost
/// first): a read only where its value is loaded, bound to a const reference, or
/// unevaluated; element and field accesses classify by how the element is used;
/// anything else may write (fail closed).
UseKind classify_use(const Expr *use, const std::vector<const Stmt *> &ancestors);

/// Calls `fn(s, ancestors)` on every statement under `root` (and `root`), parents
/// first, without recursion; structured bindings' expressions count as children of
/// their declaration, and default arguments', default member initializers' and array
/// fillers' expressions as children of their use.
void walk_with_ancestors(
    const Stmt *root, llvm::function_ref<void(const Stmt *, const std::vector<const Stmt *> &)> fn);

/// What a call of a function may do, from its visible body (Callees.cpp).
struct CalleeSummary {
  std::string unknown; ///< why it may touch memory weft cannot name; empty when it cannot
  std::vector<bool> writes_param; ///< per parameter: written through (references)
};

/// How an expression's value is used where it appears.
enum class Mode { Read, Write, ReadWrite };

/// What scan_writes needs from the whole body of the function around a loop, the same
/// for every loop of that function (scanning the body once per loop was quadratic in
/// functions holding many loops).
struct FunctionUses {
  /// Scalars written other than by a plain assignment or ++/-- of the variable itself:
  /// the first and last such write (expansion locations). A loop outside [first, last]
  /// lets an alias outlive it.
  std::map<const VarDecl *, std::pair<SourceLocation, SourceLocation>> indirect_writes;
  /// Variables a non-const reference is bound to somewhere in the function.
  std::set<const VarDecl *> bound_writable;
};

/// Builds one LoopModel from the annotated loop statement.
class ModelBuilder {
public:
  /// `function` is the function whose body holds the loop.
  ModelBuilder(ASTContext &ctx, LoopModel &model, const FunctionDecl *function)
      : ctx_(ctx), sm_(ctx.getSourceManager()), m_(model), function_(function) {}

  /// Fills the model from `loop`, the statement after the pragma.
  void build(const Stmt *loop);

  /// Scans of function bodies shared by the builders of one translation unit (owned by
  /// build_loop_models); null: the builder scans its function itself.
  std::map<const FunctionDecl *, FunctionUses> *function_uses = nullptr;

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
  const FunctionDecl *function_;
  std::set<const VarDecl *> escaped_; ///< scalars whose address or reference escapes
  /// The loop writes through a pointer or a reference weft cannot follow: a global
  /// variable may change under any name.
  bool indirect_writes_ = false;
  /// Whether `vd` may change in the loop under another name: its address escaped (or it
  /// is a global), and the loop writes through a pointer or unknown reference. (Calls
  /// that could write it are calls with unknown effects, which keep the loop sequential.)
  bool aliased(const VarDecl *vd) const {
    return indirect_writes_ &&
           (escaped_.count(vd) || (vd->hasGlobalStorage() && !vd->getType().isConstQualified()));
  }
  /// References declared in the loop and bound to an element or variable: uses are
  /// uses of that expression.
  std::map<const VarDecl *, const Expr *> ref_bindings_;
  unsigned visit_depth_ = 0;
  unsigned affine_depth_ = 0; ///< affine() calls in progress
  std::set<const FieldDecl *> written_fields_;
  std::set<const CXXRecordDecl *> written_classes_;
  bool field_writes_scanned_ = false;
  std::map<const FunctionDecl *, CalleeSummary> summaries_;
  std::map<const VarDecl *, std::vector<const Expr *>> writes_;
  std::set<const VarDecl *> reshaped_;
  std::map<const VarDecl *, unsigned> loop_var_level_;           ///< loop variables -> their level
  std::map<const VarDecl *, AffineExpr> constants_;              ///< locals holding an affine value
  std::map<const VarDecl *, std::string> not_affine_;            ///< locals that do not, and why
  std::map<const VarDecl *, std::vector<unsigned>> local_scope_; ///< locals -> nest at declaration
  std::map<std::string, unsigned> array_index_;                  ///< canonical key -> arrays index
  std::map<std::string, std::string> param_names_;               ///< parameter key -> isl name
  std::set<std::string> names_;                                  ///< isl names in use
  /// The top-level statement of the annotated loop's body being walked (Statement::item),
  /// or -1 outside one.
  int body_item_ = -1;
  unsigned body_items_ = 0;
  std::set<unsigned> tainted_;       ///< levels whose current iteration may end early
  std::set<unsigned> broken_levels_; ///< levels left by a break
  unsigned current_stmt_ = 0;
  const Expr *use_site_ = nullptr; ///< the use of a structured binding being visited
  const Ctx *current_ctx_ = nullptr;
  std::map<const VarDecl *, const Expr *> range_vars_; ///< range-for variables of Unknown levels
  std::map<unsigned, unsigned> sparse_arrays_;         ///< SparseRange level -> its array

  std::string text(SourceRange r) const { return source_text(r, ctx_); }
  bool written(const VarDecl *vd) const { return writes_.count(vd) != 0; }

  // BuildLoopModel.cpp
  std::string fresh_name(std::string base, const std::set<std::string> &taken);
  /// isl name of the parameter for `key` (a variable, or an object's size/shape).
  std::string param(const std::string &key, const std::string &base);
  bool declared_in_loop(const Decl *d) const;
  /// Creates the level of `loop` inside `c` and walks its body.
  void walk_loop(const Stmt *loop, const Ctx &c, unsigned &counter);
  void unknown_level(unsigned id, const std::string &why, const std::set<std::string> &enclosing,
                     const std::string &var = {});
  /// for (init; cond; inc): a Counted level when init sets one integer variable v,
  /// cond compares v with an affine bound, inc adds a non-zero constant to v, and the
  /// body never writes v.
  void describe_for(unsigned id, const ForStmt *f, const std::set<std::string> &enclosing,
                    const Ctx &c);
  void describe_range_for(unsigned id, const CXXForRangeStmt *r,
                          const std::set<std::string> &enclosing, const Ctx &c);
  unsigned new_statement(const Ctx &c, SourceRange range);
  /// A statement for the memory a loop header reads, if it reads any.
  void header_statement(const Ctx &inner, const std::vector<const Expr *> &exprs, const Stmt *loop,
                        const std::string &header);
  void visit_in(const Expr *e, Mode mode, unsigned stmt, const Ctx &c);
  void walk_stmt(const Stmt *s, Ctx &c, unsigned &counter);
  unsigned statement_here(Ctx &c, unsigned &counter, SourceRange range);
  void exit_all(const Ctx &c, const char *what, SourceRange range);
  /// A variable declared in the loop body. Integer variables that are never written
  /// after their initialisation and hold an affine value are constants: uses are
  /// replaced by the value, and no access is recorded. All others are locals, private
  /// to the iterations of the enclosing levels.
  void declare_local(const VarDecl *vd, const Ctx &c, unsigned stmt);
  bool names_storage(const Expr *e) const;

  // Affine.cpp
  /// The constant that `inc` adds to `var`, if it is one of the forms of a counted loop.
  std::optional<int64_t> increment_of(const Expr *inc, const VarDecl *var);
  std::optional<int64_t> constant(const Expr *e) const;
  static bool refers_to(const Expr *e, const VarDecl *var);
  static bool mentions(const Stmt *s, const VarDecl *var);
  Subscript subscript(const Expr *e);
  bool level_in_scope(unsigned level) const;
  /// The sparse key dim that `e` reads (e.key[d] of an enclosing sparse range-for).
  std::optional<std::string> sparse_key(const Expr *e) const;
  /// `e` as an affine expression of the enclosing dims and parameters, or nullopt with
  /// `why` naming the sub-expression that is not affine.
  std::optional<AffineExpr> affine(const Expr *e, std::string &why);
  /// One level of affine(): `e` by its kind.
  std::optional<AffineExpr> affine_expr(const Expr *e, std::string &why);
  std::optional<unsigned> key_level(const Expr *e) const;
  std::optional<std::string> bound_key(const BindingDecl *binding) const;
  bool holds_every_value(QualType from, QualType to) const;
  std::optional<AffineExpr> affine_variable(const DeclRefExpr *ref, std::string &why);
  /// X.size() or X.shape()[d] of a weft array or std container the loop does not resize.
  /// `declare` false only tests the form, without adding a parameter.
  std::optional<AffineExpr> size_parameter(const Expr *e, bool declare = true);

  // Arrays.cpp
  /// The canonical declaration a name refers to: references initialised from another
  /// variable resolve to it; `may_alias` is set when a reference cannot be followed.
  const ValueDecl *canonical(const ValueDecl *d, bool &may_alias) const;
  unsigned array_of_decl(const ValueDecl *decl);
  /// The array a variable names (a structured binding: the part of its decomposed object
  /// it is bound to); a weft array or container that the loop declares and does not
  /// privatize (a reference weft cannot follow, a static local) is an unknown effect
  /// (varying_array).
  unsigned array_of(const DeclRefExpr *ref);
  /// The first variable in `e` that makes the storage it names depend on the
  /// iteration, as "'l', which the loop declares" or "'k', which the loop writes";
  /// empty when there is none.
  std::string iteration_dependent(const Expr *e) const;
  /// `e` names a weft array or container through `through` (iteration_dependent):
  /// an unknown effect.
  bool unknown_reported(const Expr *e, bool this_statement) const;
  void varying_array(const Expr *e, const std::string &through);
  /// An array named by an expression weft cannot resolve to a variable (a member, a call
  /// result): one entry per spelling, assumed to alias anything of its type.
  unsigned array_of_expr(const Expr *e);
  /// An unknown effect when `e` names storage through a reference field of an object
  /// that has no name outside the loop.
  void unnameable_reference_field(const Expr *e);
  void classify(ArrayInfo &info, QualType type);
  /// The DistArray a Buffer variable was constructed on (its first constructor argument).
  std::string buffer_target_of(const ValueDecl *d);
  void record(unsigned array, AccessKind kind, std::vector<Subscript> subscripts, bool whole,
              bool may, std::string spelling, SourceRange range);
  /// Reads and/or writes one access according to `mode` (read first, as `x += 1` does).
  void record_mode(unsigned array, Mode mode, const std::vector<Subscript> &subs, bool whole,
                   bool may, const Expr *e);
  unsigned array_for_object(const Expr *object, bool may);
  std::optional<unsigned> member_array(const Expr *e);
  unsigned this_array(const Expr *e, const std::string &path);
  std::string unique_name(const std::string &base) const;

  // Uses.cpp
  /// The pre-scan: every variable the loop may write (writes_, reshaped_), and every
  /// scalar whose address or reference escapes in the enclosing function (escaped_).
  void scan_writes(const Stmt *loop);

  // Effects.cpp
  /// Visits `e`, whose value is used as `mode` says; `may` marks conditional evaluation.
  void visit(const Expr *e, Mode mode, bool may);
  /// Records that `e` has effects weft does not model, and why.
  void unknown_effect(const Stmt *e, const std::string &why);
  /// The address of `e` leaves the expression: whatever it names may be read and
  /// written anywhere.
  void escape(const Expr *e, bool may);
  void visit_variable(const DeclRefExpr *ref, Mode mode, bool may);
  /// e.value / the entry e of a sparse range-for: R at the iteration's keys. A copy of
  /// the entry (auto e : R) is a local: writing it does not write R.
  void visit_sparse_value(const VarDecl *entry, const Expr *e, Mode mode, bool may);
  void visit_member(const MemberExpr *member, Mode mode, bool may);
  bool invariant_field(const MemberExpr *member);
  static bool through_reference_field(const MemberExpr *member);
  /// A[i][j] on a C array or pointer, v[i][j] on std::vector / std::array.
  void visit_element(const Expr *e, Mode mode, bool may);
  void visit_operator(const CXXOperatorCallExpr *op, Mode mode, bool may);
  /// X(i, j) on a DistArray or Buffer: one access with the call's arguments as subscripts.
  void record_indexed(const CXXOperatorCallExpr *op, const Expr *object, Mode mode, bool may,
                      AccessKind kind);
  void visit_member_call(const CXXMemberCallExpr *call, Mode mode, bool may);
  void buffer_update(const CXXOperatorCallExpr *element, bool may);

  // DeclaredEffects.cpp
  /// A call of a function declared with WEFT_EFFECTS: its accesses from the declaration.
  /// False when `fd` declares no effects.
  bool visit_declared_call(const CallExpr *call, const FunctionDecl *fd, bool may);
  /// Returns the array the argument views (RowArgument::array, view, text; no role).
  RowArgument visit_viewed_argument(const CallExpr *call, const Expr *arg,
                                    const std::string &spelling, bool reads, bool writes,
                                    bool additive, bool may);
  /// `fd` is declared with WEFT_VIEW (nn::rows).
  static bool declares_view(const FunctionDecl *fd);

  // Callees.cpp
  void visit_call(const CallExpr *call, Mode mode, bool may);
  void visit_construct(const CXXConstructExpr *construct, bool may);
  void destructor_effects(const CXXDestructorDecl *dtor, const Expr *where, bool may);
  void visit_argument(const Expr *arg, bool writable, bool may);
  void escape_pointer(const Expr *pointer);
  /// weft's classes and std containers (of elements whose special members do nothing
  /// weft must see): their methods and special members are modelled, not summarized.
  bool known_class(QualType type) const;
  /// Why the constructors that a known container of `type` runs on its elements (the
  /// default, converting and emplacing ones) may have effects; empty when they have none.
  std::string element_construction(QualType type);
  /// A method of a std container that throws for arguments a program may pass on
  /// purpose (std::out_of_range, ...): `at`, and std::basic_string's methods taking a
  /// position. weft assumes the other methods of weft's classes and std containers throw
  /// nothing (only for want of memory, or for an index out of bounds under
  /// WEFT_BOUNDS_CHECK, which ends the program).
  static bool may_throw(QualType object, const CXXMethodDecl *md);
  /// The call dispatches virtually to an override weft cannot determine.
  bool virtual_dispatch(const CallExpr *call, const CXXMethodDecl *md) const;
  /// abort, __assert_fail, ...: the call ends the program and has no effect to model.
  static bool ends_program(const FunctionDecl *fd);
  /// The summary of a callee (cached), computed from its visible definition.
  const CalleeSummary &summarize(const FunctionDecl *fd, unsigned depth);
  std::string scan_callee(const FunctionDecl *def, unsigned depth, std::vector<bool> &writes_param);
};

} // namespace frontend
} // namespace weft

#endif // WEFT_FRONTEND_MODELBUILDER_H
