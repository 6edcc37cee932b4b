//===- Dependences.cpp - Exact dependences of one annotated loop ---------===//
//
// Access relations. Access a of statement S to array X with subscripts f_1..f_r is
//   A_a = { S[d] -> X[e_1, ..., e_r] : d in dom(S) and e_k = f_k(d) }
// where a subscript that is not affine leaves e_k unconstrained, a range subscript [b, c)
// (a weft::nn view of rows) constrains b <= e_k < c, and a whole-array access leaves
// every e_k unconstrained. Locals carry their private dims as leading
// subscripts (LoopModel), so each iteration has its own copy. A Buffer update writes
// its target's element; two names that may alias relate every pair of instances.
//
// Unordered loops (parallel_for): iterations x != y of the annotated loop conflict iff
//   exists a, b (one writes, not both reductions of one accumulator nor both updates of
//   buffers on one target):  (P_a^-1 . A_a . A_b^-1 . P_b)(x, y)
// where P_s projects S's instances onto the annotated loop's dims L[...].
//
// Ordered loops keep source order, the lexicographic order of the 2d+1 schedules
// theta_S (LoopModel::Statement::position). With  B_ab = { x -> y : theta_a(x) < theta_b(y) }:
//   anti   = A_r . A_w^-1  intersected with B_rw
//   output = A_w . A_w'^-1 intersected with B_ww'
//   flow   = isl's compute_flow (must and may writes as sources, reads as sinks), which
//            drops the writes a later write kills; each access is tagged so that the
//            result names the two accesses.
//
//===----------------------------------------------------------------------===//

#include "Dependences.h"

#include "llvm/ADT/StringExtras.h"

#include "clang/AST/Decl.h"

#include <isl/flow.h>
#include <isl/map.h>
#include <isl/set.h>
#include <isl/union_map.h>
#include <isl/val.h>

#include <map>
#include <optional>
#include <set>

namespace weft {

IslContext::IslContext(unsigned long max_operations) : ctx(isl_ctx_alloc()) {
  isl_options_set_on_error(ctx.get(), ISL_ON_ERROR_CONTINUE);
  isl_ctx_set_max_operations(ctx.get(), max_operations);
}

IslContext::~IslContext() { isl_ctx_free(ctx.release()); }

namespace {

/// The fix for a call with unknown effects, by why they are unknown (Callees.cpp): only
/// a body weft cannot see is fixed by defining the function in this file.
std::string unknown_call_fix(const std::string &why) {
  const auto starts = [&](const char *prefix) { return why.rfind(prefix, 0) == 0; };
  if (starts("its body is not visible"))
    return "define the function in this file, or keep the call out of the loop";
  if (starts("it is a virtual call"))
    return "call a non-virtual function, or keep the call out of the loop";
  if (starts("it calls through a function pointer"))
    return "call the function by its name, or keep the call out of the loop";
  if (starts("its WEFT_EFFECTS declaration does not hold"))
    return "correct the function's WEFT_EFFECTS declaration";
  return "keep the call out of the loop, or let the function touch only its parameters, its "
         "locals and what the functions it calls touch (no globals, statics, pointers or "
         "reference members)";
}
template <class T> T parse_unlimited(isl::ctx ctx, const std::string &text) {
  unsigned long limit = isl_ctx_get_max_operations(ctx.get());
  isl_ctx_set_max_operations(ctx.get(), 0);
  struct Restore {
    isl_ctx *ctx;
    unsigned long limit;
    ~Restore() { isl_ctx_set_max_operations(ctx, limit); }
  } restore{ctx.get(), limit};
  return T(ctx, text);
}
} // namespace

isl::set parse_set(isl::ctx ctx, const std::string &text) {
  return parse_unlimited<isl::set>(ctx, text);
}

isl::map parse_map(isl::ctx ctx, const std::string &text) {
  return parse_unlimited<isl::map>(ctx, text);
}

const char *dependence_kind_name(DependenceKind kind) {
  switch (kind) {
  case DependenceKind::Flow:
    return "flow";
  case DependenceKind::Anti:
    return "anti";
  case DependenceKind::Output:
    return "output";
  case DependenceKind::Conflict:
    return "conflict";
  }
  return "?";
}

namespace {

/// Throws the isl error that left `object` null, as the C++ bindings do.
template <class T> T checked(T object, isl::ctx ctx) {
  if (object.is_null())
    isl::exception::throw_last_error(ctx);
  return object;
}

/// Takes ownership of what an isl C function returned. A null result throws the isl
/// error behind it (isl::exception_quota once the operation limit is reached), never
/// the bindings' "NULL input".
template <class P> auto own(P *ptr, isl::ctx ctx) -> decltype(isl::manage(ptr)) {
  if (!ptr)
    isl::exception::throw_last_error(ctx);
  return isl::manage(ptr);
}

/// { x -> y : x in a and y in b }
isl::map cross(const isl::set &a, const isl::set &b) {
  return own(isl_map_from_domain_and_range(a.copy(), b.copy()), a.ctx());
}

class DependenceBuilder {
public:
  DependenceBuilder(const LoopModel &model, Dependences &out)
      : m_(model), out_(out), ctx_(out.isl->ctx) {}

  void run() {
    collect_obstacles();
    prepare();
    bool ordered = m_.pragma.ordered || m_.pragma.kind == PragmaKind::Pipeline;
    if (!ordered)
      conflicts();
    ordered_dependences(ordered);
    out_.assumed_distinct.assign(assumed_.begin(), assumed_.end());
  }

private:
  const LoopModel &m_;
  Dependences &out_;
  isl::ctx ctx_;

  std::vector<isl::set> domains_;     ///< per statement
  std::vector<isl::map> projections_; ///< per statement: S[d] -> L[level 0 dims]
  std::vector<isl::map> schedules_;   ///< per statement: S[d] -> [2d+1 schedule]
  std::vector<isl::map> accesses_;    ///< per access: S[d] -> X[e]
  std::vector<unsigned> target_;      ///< per access: the array it touches (Buffer -> target)
  isl::map not_equal_;                ///< L[x] -> L[y] : x != y
  /// Pairs of same-typed arrays assumed to be different objects (model indices).
  mutable std::set<std::pair<unsigned, unsigned>> assumed_;

  std::string params() const { return "[" + llvm::join(m_.params, ", ") + "] -> "; }

  std::vector<std::string> dims_of(const Statement &s) const {
    std::vector<std::string> dims;
    for (unsigned l : s.levels)
      dims.insert(dims.end(), m_.levels[l].dims.begin(), m_.levels[l].dims.end());
    return dims;
  }

  const std::vector<std::string> &loop_dims() const { return m_.levels[0].dims; }

  static std::vector<std::string> renamed(const std::vector<std::string> &dims,
                                          const std::string &prefix) {
    std::vector<std::string> out;
    for (const std::string &d : dims)
      out.push_back(prefix + d);
    return out;
  }

  //===------------------------------------------------------------------===//
  // Obstacles
  //===------------------------------------------------------------------===//

  void collect_obstacles() {
    const LoopLevel &loop = m_.levels[0];
    if (loop.kind == LevelKind::Unknown ||
        (loop.kind == LevelKind::Counted && (!loop.lower || !loop.upper)))
      out_.obstacles.push_back({Reason::UnknownIterationSpace, loop.range, loop.imprecision});
    for (const EarlyExit &e : m_.early_exits)
      out_.obstacles.push_back({Reason::EarlyExit, e.range, "'" + e.what + "' leaves the loop"});
    for (const Call &c : m_.calls)
      if (c.unknown_effects)
        out_.obstacles.push_back({Reason::UnknownCall, c.range,
                                  "'" + c.callee + "' may have effects: " + c.why,
                                  unknown_call_fix(c.why)});
    for (const UnknownEffect &u : m_.unknown_effects)
      out_.obstacles.push_back({Reason::UnknownEffect, u.range, "'" + u.what + "' " + u.why});
    for (const Access &a : m_.accesses) {
      if (a.kind != AccessKind::Read || m_.arrays[a.array].kind != ArrayKind::Accumulator)
        continue;
      const std::string &name = m_.arrays[a.array].name;
      if (a.text == name) // the object itself: passed to a call, or copied
        out_.obstacles.push_back(
            {Reason::AccumulatorRead, a.range,
             "the accumulator '" + name +
                 "' is passed on as an object (to a call, or copied), and weft does not "
                 "follow what is done with it there",
             "add to the accumulator in the loop body itself ('" + name + " += ...')"});
      else
        out_.obstacles.push_back(
            {Reason::AccumulatorRead, a.range,
             "'" + a.text + "' reads the accumulator '" + name + "' inside the loop"});
    }
  }

  //===------------------------------------------------------------------===//
  // Domains, projections, schedules, access relations
  //===------------------------------------------------------------------===//

  void prepare() {
    size_t longest = 0;
    for (const Statement &s : m_.statements) {
      size_t n = s.position.size() + dims_of(s).size();
      longest = std::max(longest, n);
    }
    for (const Statement &s : m_.statements) {
      std::string tuple = "S" + std::to_string(s.id);
      std::vector<std::string> dims = dims_of(s);
      domains_.push_back(checked(parse_set(ctx_, s.domain), ctx_));
      std::vector<std::string> loop(dims.begin(), dims.begin() + loop_dims().size());
      projections_.push_back(
          checked(parse_map(ctx_, params() + "{ " + tuple + "[" + llvm::join(dims, ", ") +
                                      "] -> L[" + llvm::join(loop, ", ") + "] }"),
                  ctx_));
      // theta_S = [position[0], dims of level 0, position[1], ..., position[n], 0...],
      // each dim negated when its loop counts down
      std::vector<std::string> theta;
      size_t d = 0;
      for (size_t k = 0; k < s.position.size(); ++k) {
        theta.push_back(std::to_string(s.position[k]));
        if (k < s.levels.size()) {
          // A loop with a negative step runs its dim downwards.
          bool down = m_.levels[s.levels[k]].step < 0;
          for (size_t j = 0; j < m_.levels[s.levels[k]].dims.size(); ++j)
            theta.push_back((down ? "-" : "") + dims[d++]);
        }
      }
      while (theta.size() < longest)
        theta.push_back("0");
      schedules_.push_back(
          checked(parse_map(ctx_, params() + "{ " + tuple + "[" + llvm::join(dims, ", ") +
                                      "] -> [" + llvm::join(theta, ", ") + "] }"),
                  ctx_)
              .intersect_domain(domains_.back()));
    }
    std::vector<std::string> x = renamed(loop_dims(), "x_"), y = renamed(loop_dims(), "y_");
    std::vector<std::string> ne;
    for (size_t i = 0; i < x.size(); ++i)
      ne.push_back(x[i] + " != " + y[i]);
    not_equal_ =
        checked(parse_map(ctx_, params() + "{ L[" + llvm::join(x, ", ") + "] -> L[" +
                                    llvm::join(y, ", ") + "] : " + llvm::join(ne, " or ") + " }"),
                ctx_);

    for (const Access &a : m_.accesses) {
      unsigned array = a.array;
      const ArrayInfo &info = m_.arrays[array];
      if (a.kind == AccessKind::BufferUpdate)
        array = buffer_target(info);
      target_.push_back(array);
      accesses_.push_back(access_relation(a, array));
    }
  }

  /// The array a Buffer updates: the model's array of that name, or a slot of its own
  /// (past the model's arrays) when the loop never names the target directly.
  unsigned buffer_target(const ArrayInfo &buffer) const {
    for (unsigned i = 0; i < m_.arrays.size(); ++i)
      if (m_.arrays[i].name == buffer.buffer_target && m_.arrays[i].kind != ArrayKind::Buffer)
        return i;
    for (unsigned i = 0; i < m_.arrays.size(); ++i)
      if (&m_.arrays[i] == &buffer)
        return m_.arrays.size() + i;
    return m_.arrays.size();
  }

  isl::map access_relation(const Access &a, unsigned array) {
    const Statement &s = m_.statements[a.statement];
    // A whole-array access has no subscripts: it spans every dim of the array.
    const ArrayInfo &info = m_.arrays[array < m_.arrays.size() ? array : a.array];
    size_t rank = std::max<size_t>(a.subscripts.size(), info.rank);
    std::vector<std::string> elems, constraints;
    for (size_t k = 0; k < rank; ++k) {
      std::string e = "weft_e" + std::to_string(k);
      elems.push_back(e);
      if (a.whole_array || k >= a.subscripts.size())
        continue;
      const Subscript &sub = a.subscripts[k];
      if (sub.affine)
        constraints.push_back(e + " = " + sub.affine->str());
      else if (sub.range_begin && sub.range_end)
        constraints.push_back(sub.range_begin->str() + " <= " + e + " < " + sub.range_end->str());
    }
    std::string text = params() + "{ S" + std::to_string(s.id) + "[" +
                       llvm::join(dims_of(s), ", ") + "] -> A" + std::to_string(array) + "[" +
                       llvm::join(elems, ", ") + "]";
    if (!constraints.empty())
      text += " : " + llvm::join(constraints, " and ");
    text += " }";
    return checked(parse_map(ctx_, text), ctx_).intersect_domain(domains_[a.statement]);
  }

  //===------------------------------------------------------------------===//
  // Which pairs of accesses can depend on each other
  //===------------------------------------------------------------------===//

  static bool writes(const Access &a) { return a.kind != AccessKind::Read; }

  /// Whether two arrays (model indices) may share storage (docs/design.md, "Aliasing"):
  ///  - the same array;
  ///  - a variable and a field path of it, or two paths of one variable where one
  ///    extends the other (m and m.W; not m.W and m.H);
  ///  - otherwise only when one name may alias (a reference or pointer weft cannot
  ///    follow) and one holds the other by value (ArrayInfo::holds) or the element
  ///    types agree (bytes view anything), except that objects owning their storage
  ///    (DistArray, SparseArray, std containers, C arrays) of different types that do
  ///    not hold one another are different objects, and a reference or pointer
  ///    parameter cannot name a variable the function declares itself.
  bool may_overlap(unsigned x, unsigned y, bool &through_alias) const {
    through_alias = false;
    if (x == y)
      return true;
    if (x >= m_.arrays.size() || y >= m_.arrays.size())
      return false;
    const ArrayInfo &a = m_.arrays[x], &b = m_.arrays[y];
    auto root = [](const ArrayInfo &i) { return i.root ? i.root : i.decl; };
    if (root(a) && root(a) == root(b) && !a.local && !b.local) {
      auto extends = [](const std::string &p, const std::string &q) {
        return q.empty() || p == q ||
               (p.size() > q.size() && p.compare(0, q.size(), q) == 0 && p[q.size()] == '.');
      };
      through_alias = extends(a.path, b.path) || extends(b.path, a.path);
      return through_alias;
    }
    if (!a.may_alias && !b.may_alias)
      return false;
    auto storage = [](const ArrayInfo &i) {
      return i.kind != ArrayKind::Accumulator && i.kind != ArrayKind::Buffer;
    };
    if (!storage(a) || !storage(b) || a.local || b.local)
      return false;
    // An object, a container or a C array may be the storage of what it holds by value
    // (a Model and its DistArray W, a std::vector<DistArray> and one of its arrays).
    auto holds = [](const ArrayInfo &outer, const ArrayInfo &inner) {
      return std::find(outer.holds.begin(), outer.holds.end(), inner.type_name) !=
             outer.holds.end();
    };
    const bool held = holds(a, b) || holds(b, a);
    auto owning = [](const ArrayInfo &i) {
      return i.kind == ArrayKind::DistArray || i.kind == ArrayKind::SparseArray ||
             i.kind == ArrayKind::Vector || i.kind == ArrayKind::CArray;
    };
    if (owning(a) && owning(b) && !held) {
      if (a.kind != b.kind || a.element_type != b.element_type || a.rank != b.rank)
        return false; // objects of different types: different storage
      // Two names of one type: assumed to be different objects; the rewrite checks it at
      // run time and runs the loop serially when they are one.
      assumed_.insert({std::min(x, y), std::max(x, y)});
      return false;
    }
    // Bytes may view any storage; otherwise only same-typed storage can be shared.
    auto bytes = [](const ArrayInfo &i) {
      return i.element_type == "char" || i.element_type == "unsigned char" ||
             i.element_type == "std::byte" || i.element_type == "void";
    };
    if (!held && a.element_type != b.element_type && !bytes(a) && !bytes(b))
      return false;
    auto own_local = [](const ArrayInfo &i) {
      const auto *vd = llvm::dyn_cast_or_null<clang::VarDecl>(i.decl);
      return vd && vd->hasLocalStorage() && !llvm::isa<clang::ParmVarDecl>(vd) &&
             !vd->getType()->isReferenceType() && !vd->getType()->isPointerType();
    };
    auto parameter = [](const ArrayInfo &i) {
      return i.decl && llvm::isa<clang::ParmVarDecl>(i.decl);
    };
    if ((parameter(a) && own_local(b)) || (parameter(b) && own_local(a)))
      return false;
    through_alias = true;
    return true;
  }

  /// The pairs whose order matters: one writes; two reductions of one accumulator
  /// commute, and so do buffered updates of one target.
  bool pair_matters(const Access &a, const Access &b, unsigned ta, unsigned tb) const {
    if (!writes(a) && !writes(b))
      return false;
    if (a.kind == AccessKind::Reduce && b.kind == AccessKind::Reduce && ta == tb)
      return false;
    if (a.kind == AccessKind::BufferUpdate && b.kind == AccessKind::BufferUpdate && ta == tb)
      return false;
    return true;
  }

  /// A pair the user allowed to be stale: a buffered update and a read of its target.
  static bool relaxable(const Access &a, const Access &b) {
    return (a.kind == AccessKind::BufferUpdate && b.kind == AccessKind::Read) ||
           (b.kind == AccessKind::BufferUpdate && a.kind == AccessKind::Read);
  }

  bool has_unknown_subscript(const Access &a) const { return !a.all_affine(); }

  /// S_a -> S_b instances touching the same element.
  isl::map same_element(unsigned a, unsigned b, bool through_alias) const {
    if (through_alias)
      return cross(domains_[m_.accesses[a].statement], domains_[m_.accesses[b].statement]);
    return accesses_[a].apply_range(accesses_[b].reverse());
  }

  //===------------------------------------------------------------------===//
  // Unordered loops: conflicts
  //===------------------------------------------------------------------===//

  void conflicts() {
    for (unsigned i = 0; i < m_.accesses.size(); ++i)
      for (unsigned j = i; j < m_.accesses.size(); ++j) {
        const Access &a = m_.accesses[i], &b = m_.accesses[j];
        bool alias = false;
        // pair_matters first: may_overlap records the same-typed pairs it assumes
        // distinct, which only pairs that matter need.
        if (!pair_matters(a, b, target_[i], target_[j]) ||
            !may_overlap(target_[i], target_[j], alias))
          continue;
        // The writing access is the source, so notes read "writes ... which ... reads".
        unsigned src = i, dst = j;
        if (!writes(a)) {
          src = j;
          dst = i;
        }
        isl::map relation = same_element(src, dst, alias);
        isl::map loop = relation.apply_domain(projections_[m_.accesses[src].statement])
                            .apply_range(projections_[m_.accesses[dst].statement])
                            .intersect(not_equal_);
        if (loop.is_empty())
          continue;
        Dependence d;
        d.kind = DependenceKind::Conflict;
        d.source = src;
        d.sink = dst;
        d.relation = relation;
        d.loop_relation = loop;
        d.carried = true;
        d.relaxable = relaxable(a, b);
        d.through_alias = alias;
        d.unknown_subscript = has_unknown_subscript(a) || has_unknown_subscript(b);
        d.distance = distances(loop);
        d.carried_by_level = std::vector<bool>(m_.levels.size(), false);
        d.carried_by_level[0] = true;
        out_.deps.push_back(std::move(d));
      }
  }

  //===------------------------------------------------------------------===//
  // Ordered dependences
  //===------------------------------------------------------------------===//

  /// { x -> y : theta_a(x) lexicographically before theta_b(y) }, once per pair.
  isl::map before(unsigned sa, unsigned sb) {
    auto key = std::make_pair(sa, sb);
    auto it = before_.find(key);
    if (it != before_.end())
      return it->second;
    isl::map b = own(isl_map_lex_lt_map(schedules_[sa].copy(), schedules_[sb].copy()), ctx_);
    before_.emplace(key, b);
    return b;
  }
  std::map<std::pair<unsigned, unsigned>, isl::map> before_;

  /// Whether statements a and b are both inside a level nested in the annotated loop.
  bool share_inner_level(unsigned sa, unsigned sb) const {
    const Statement &a = m_.statements[sa], &b = m_.statements[sb];
    return a.levels.size() > 1 && b.levels.size() > 1 && a.levels[1] == b.levels[1];
  }

  /// Value-based flow dependences between tagged accesses: [S[d] -> T<k>[]] pairs, or
  /// nullopt when isl finds no last write for some read (see below).
  std::optional<isl::union_map> value_flow() const {
    isl::union_map sinks = isl::union_map::empty(ctx_), must = sinks, may = sinks, schedule = sinks;
    for (unsigned k = 0; k < m_.accesses.size(); ++k) {
      const Access &a = m_.accesses[k];
      if (a.kind == AccessKind::Reduce)
        continue; // reductions commute; they are not value flow
      isl::map tagged = tag(accesses_[k], k);
      if (!writes(a) || a.kind == AccessKind::BufferUpdate)
        sinks = sinks.unite(isl::union_map(tagged));
      if (writes(a)) {
        bool definite = !a.may && (a.all_affine() || a.exact_region) && a.kind == AccessKind::Write;
        (definite ? must : may) = (definite ? must : may).unite(isl::union_map(tagged));
      }
      schedule = schedule.unite(isl::union_map(tag(schedules_[a.statement], k)));
    }
    isl::union_access_info info(sinks);
    info = info.set_must_source(must).set_may_source(may).set_schedule_map(schedule);
    try {
      return info.compute_flow().get_may_dependence();
    } catch (const isl::exception_quota &) {
      throw;
    } catch (const isl::exception &e) {
      // A loop whose iterations are unbounded (a variable stepping away from its only
      // bound, such as for (k = 0; k < i; --k)) may have no last write before a read.
      // Without value flow every memory-based flow dependence stays: more
      // dependences, never fewer.
      if (!llvm::StringRef(e.what()).contains("unbounded optimum"))
        throw;
      return std::nullopt;
    }
  }

  /// { S[d] -> X } as { [S[d] -> T<k>[]] -> X }: the tag names the access in results.
  isl::map tag(const isl::map &m, unsigned k) const {
    isl::set t = checked(parse_set(ctx_, params() + "{ T" + std::to_string(k) + "[] }"), ctx_);
    isl::map to_tag = cross(m.domain(), t);
    isl::map untag = own(isl_map_domain_map(to_tag.release()), ctx_);
    return untag.apply_range(m);
  }

  /// For unordered loops only the levels nested in the annotated loop keep their order,
  /// and only their carried dependences are reported (as memory dependences: the
  /// verdict does not depend on them).
  void ordered_dependences(bool ordered) {
    std::optional<isl::union_map> flow = ordered ? value_flow() : std::nullopt;
    for (unsigned i = 0; i < m_.accesses.size(); ++i)
      for (unsigned j = 0; j < m_.accesses.size(); ++j) {
        const Access &a = m_.accesses[i], &b = m_.accesses[j];
        if (!ordered && !share_inner_level(a.statement, b.statement))
          continue;
        bool alias = false;
        // pair_matters first: may_overlap records the same-typed pairs it assumes
        // distinct, which only pairs that matter need.
        if (!pair_matters(a, b, target_[i], target_[j]) ||
            !may_overlap(target_[i], target_[j], alias))
          continue;
        isl::map relation = same_element(i, j, alias).intersect(before(a.statement, b.statement));
        DependenceKind kind = !writes(a) ? DependenceKind::Anti
                              : writes(b) && b.kind != AccessKind::BufferUpdate
                                  ? DependenceKind::Output
                                  : DependenceKind::Flow;
        if (flow && writes(a) && !writes(b)) {
          // Keep only the pairs where the read sees the write's value.
          isl::map value = untagged_pairs(*flow, i, j, a.statement, b.statement);
          relation = relation.intersect(value);
        }
        if (relation.is_empty())
          continue;
        Dependence d;
        d.kind = kind;
        d.source = i;
        d.sink = j;
        d.relation = relation;
        d.loop_relation =
            relation.apply_domain(projections_[a.statement]).apply_range(projections_[b.statement]);
        isl::map carried = d.loop_relation.intersect(not_equal_);
        d.carried = !carried.is_empty();
        d.relaxable = relaxable(a, b);
        d.through_alias = alias;
        d.unknown_subscript = has_unknown_subscript(a) || has_unknown_subscript(b);
        d.distance =
            d.carried ? distances(carried) : std::vector<std::string>(loop_dims().size(), "0");
        d.carried_by_level = carried_by_levels(relation, a.statement, b.statement);
        if (!ordered) {
          // For unordered loops only the levels inside an iteration keep their order:
          // the annotated loop's own conflicts were computed above.
          if (!std::any_of(d.carried_by_level.begin() + 1, d.carried_by_level.end(),
                           [](bool c) { return c; }))
            continue;
          d.carried_by_level[0] = false;
          d.carried = false;
        }
        out_.deps.push_back(std::move(d));
      }
  }

  /// The tagged flow pairs from access w to access r, untagged: S_w[...] -> S_r[...].
  isl::map untagged_pairs(const isl::union_map &flow, unsigned w, unsigned r, unsigned sw,
                          unsigned sr) const {
    isl::map result = cross(domains_[sw], domains_[sr]).subtract(cross(domains_[sw], domains_[sr]));
    std::string tw = "T" + std::to_string(w), tr = "T" + std::to_string(r);
    flow.foreach_map([&](isl::map m) {
      isl::set dom = m.domain(), ran = m.range();
      isl_map *dom_pair = isl_set_unwrap(dom.copy());
      isl_map *ran_pair = isl_set_unwrap(ran.copy());
      bool match = dom_pair && ran_pair && isl_map_has_tuple_name(dom_pair, isl_dim_out) &&
                   isl_map_has_tuple_name(ran_pair, isl_dim_out) &&
                   tw == isl_map_get_tuple_name(dom_pair, isl_dim_out) &&
                   tr == isl_map_get_tuple_name(ran_pair, isl_dim_out);
      isl_map_free(dom_pair);
      isl_map_free(ran_pair);
      if (!match)
        return;
      isl_map *plain = isl_map_range_factor_domain(isl_map_domain_factor_domain(m.copy()));
      result = result.unite(own(plain, ctx_));
    });
    return result;
  }

  /// carried_by_level[L]: some pair has equal dims in the levels enclosing L and
  /// different dims in L (L must enclose both statements).
  std::vector<bool> carried_by_levels(const isl::map &relation, unsigned sa, unsigned sb) const {
    const Statement &a = m_.statements[sa];
    std::vector<bool> carried(m_.levels.size(), false);
    const std::vector<isl::map> &conditions = level_conditions(sa, sb);
    for (size_t k = 0; k < conditions.size(); ++k)
      carried[a.levels[k]] = !relation.intersect(conditions[k]).is_empty();
    return carried;
  }

  /// Per level k enclosing both statements (outermost first): { S_a[...] -> S_b[...] :
  /// equal dims in the levels around k, some dim of k different }. Once per pair of
  /// statements: accesses of one pair of statements share them.
  const std::vector<isl::map> &level_conditions(unsigned sa, unsigned sb) const {
    const auto key = std::make_pair(sa, sb);
    if (auto it = level_conditions_.find(key); it != level_conditions_.end())
      return it->second;
    std::vector<isl::map> conditions;
    const Statement &a = m_.statements[sa], &b = m_.statements[sb];
    std::vector<std::string> da = renamed(dims_of(a), "a_"), db = renamed(dims_of(b), "b_");
    std::vector<std::string> equal;
    size_t offset = 0;
    for (size_t k = 0; k < a.levels.size() && k < b.levels.size() && a.levels[k] == b.levels[k];
         ++k) {
      const LoopLevel &level = m_.levels[a.levels[k]];
      std::vector<std::string> differ;
      for (size_t j = 0; j < level.dims.size(); ++j)
        differ.push_back(da[offset + j] + " != " + db[offset + j]);
      std::string text = params() + "{ S" + std::to_string(sa) + "[" + llvm::join(da, ", ") +
                         "] -> S" + std::to_string(sb) + "[" + llvm::join(db, ", ") + "] : ";
      if (!equal.empty())
        text += llvm::join(equal, " and ") + " and ";
      text += "(" + llvm::join(differ, " or ") + ") }";
      conditions.push_back(checked(parse_map(ctx_, text), ctx_));
      for (size_t j = 0; j < level.dims.size(); ++j)
        equal.push_back(da[offset + j] + " = " + db[offset + j]);
      offset += level.dims.size();
    }
    return level_conditions_.emplace(key, std::move(conditions)).first->second;
  }
  mutable std::map<std::pair<unsigned, unsigned>, std::vector<isl::map>> level_conditions_;

  /// Per dim of L: the value of y - x over the pairs of `loop`, or "*" when it varies.
  ///
  /// Dim d takes one value c iff every distance lies on the hyperplane  delta_d = c,
  /// that is iff the affine hull H of the distances lies in it; then c is dim d of any
  /// point of H. Projecting the parameters out of H (equalities only) keeps every
  /// point's dims, so the test holds over all parameter values. (Projecting the other
  /// dims out of the distances themselves is Fourier-Motzkin elimination, which isl
  /// does not count against its operation limit and which grows exponentially with
  /// the dims; the hull is computed with counted simplex pivots.)
  std::vector<std::string> distances(const isl::map &loop) const {
    std::vector<std::string> out;
    if (loop.is_empty())
      return out;
    isl_basic_set *hull = isl_set_affine_hull(loop.deltas().release());
    hull = isl_basic_set_project_out(hull, isl_dim_param, 0,
                                     hull ? isl_basic_set_dim(hull, isl_dim_param) : 0);
    isl::basic_set h = own(hull, ctx_);
    isl::point p = own(isl_basic_set_sample_point(h.copy()), ctx_);
    const bool some = isl_point_is_void(p.get()) == isl_bool_false;
    const unsigned n = loop_dims().size();
    for (unsigned d = 0; d < n; ++d) {
      std::string text = "*";
      isl::val c =
          some ? own(isl_point_get_coordinate_val(p.get(), isl_dim_set, d), ctx_) : isl::val();
      if (some && c.is_int()) {
        isl_basic_set *line = isl_basic_set_universe(isl_basic_set_get_space(h.get()));
        isl::basic_set plane = own(isl_basic_set_fix_val(line, isl_dim_set, d, c.copy()), ctx_);
        isl_bool on = isl_basic_set_is_subset(h.get(), plane.get());
        if (on == isl_bool_error)
          isl::exception::throw_last_error(ctx_);
        if (on == isl_bool_true)
          text = std::to_string(c.get_num_si());
      }
      out.push_back(text);
    }
    return out;
  }
};

/// The obstacle of a loop whose analysis reached options.isl_max_operations.
Obstacle limit_obstacle(const LoopModel &m, const Options &options) {
  return {Reason::AnalysisLimit, m.range,
          "more than " + std::to_string(options.isl_max_operations) +
              " isl operations (--isl-max-operations)"};
}

/// Why the model is too large to analyse: a statement in more loop dims than
/// options.max_loop_dims. isl's work outside its operation count (Fourier-Motzkin
/// elimination in projections and distances, simplification of the constraints it
/// adds) grows exponentially with the dims, so no isl object is built for such a loop.
std::optional<Obstacle> too_large(const LoopModel &m, const Options &options) {
  for (const Statement &s : m.statements) {
    std::vector<std::string> labels;
    for (unsigned l : s.levels)
      labels.insert(labels.end(), m.levels[l].dim_labels.begin(), m.levels[l].dim_labels.end());
    if (labels.size() <= options.max_loop_dims)
      continue;
    std::string dims = labels.size() <= 4
                           ? llvm::join(labels, ", ")
                           : labels[0] + ", " + labels[1] + ", ..., " + labels.back();
    return Obstacle{Reason::ModelTooLarge, s.range,
                    "this statement runs in " + std::to_string(labels.size()) + " loop dims (" +
                        dims + "); the dependence analysis takes at most " +
                        std::to_string(options.max_loop_dims)};
  }
  return std::nullopt;
}

} // namespace

Dependences compute_dependences(const LoopModel &model, const Options &options) {
  Dependences out;
  out.isl = std::make_shared<IslContext>(options.isl_max_operations);
  if (std::optional<Obstacle> big = too_large(model, options)) {
    out.obstacles.push_back(*big);
    return out;
  }
  try {
    DependenceBuilder(model, out).run();
  } catch (const isl::exception &e) {
    if (!operation_limit_reached(e, out))
      throw;
    // Nothing computed so far can be trusted: the loop stays sequential.
    out.deps.clear();
    out.obstacles.push_back(limit_obstacle(model, options));
  }
  return out;
}

void release_isl(Dependences &deps) {
  for (Dependence &d : deps.deps) {
    d.relation = isl::map();
    d.loop_relation = isl::map();
  }
  deps.isl.reset();
}

bool operation_limit_reached(const isl::exception &error, const Dependences &deps) {
  // The bindings reset the context's error when they throw it; a null result thrown as
  // "NULL input" leaves it set.
  return dynamic_cast<const isl::exception_quota *>(&error) ||
         (deps.isl && isl_ctx_last_error(deps.isl->ctx.get()) == isl_error_quota);
}

Dependences at_operation_limit(const LoopModel &model, const Options &options) {
  Dependences out;
  out.isl = std::make_shared<IslContext>(options.isl_max_operations);
  out.obstacles.push_back(limit_obstacle(model, options));
  return out;
}

} // namespace weft
