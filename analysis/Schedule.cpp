//===- Schedule.cpp - The strongest valid schedule of one loop -----------===//
//
// Unordered loops (C = the conflicts that are not relaxable, as L[x] -> L[y]):
//   data_parallel  iff C is empty
//   partition_1d d iff C  intersect { x_d != y_d } is empty
//   rotation_2d a,b iff C intersect { x_a != y_a and x_b != y_b } is empty: in a round of
//                  Orion's rotation, blocks that run at once differ in both a and b.
// Ordered loops (D = all dependences, relations between statement instances):
//   data_parallel  iff no dependence relates two iterations of the annotated loop
//   partition_1d d iff D intersect { a_d != b_d } is empty for a dim d of the band (the
//                  perfectly nested counted levels): each value of d runs alone, in order
//   wavefront h    iff h . delta >= 1 for every non-zero distance delta of D in the band,
//                  with some |h_k| = 1 so that h completes to a unimodular matrix; the
//                  points of one hyperplane h . x = t are then independent. The schedule
//                  also records the least and greatest component of those distances per
//                  dim (the executor's halos), so that the rewrite runs no isl.
// Pipeline loops: some cut point between two layers of the body is legal (Pipeline.h).
//
//===----------------------------------------------------------------------===//

#include "Schedule.h"

#include "llvm/ADT/StringExtras.h"

#include <isl/map.h>
#include <isl/set.h>

#include <algorithm>
#include <set>

namespace weft {

const char *verdict_name(Verdict verdict) {
  switch (verdict) {
  case Verdict::DataParallel:
    return "data_parallel";
  case Verdict::Partition1D:
    return "partition_1d";
  case Verdict::Rotation2D:
    return "rotation_2d";
  case Verdict::Wavefront:
    return "wavefront";
  case Verdict::Relaxed:
    return "relaxed";
  case Verdict::Pipeline:
    return "pipeline";
  case Verdict::Sequential:
    return "sequential";
  }
  return "?";
}

namespace {

class ScheduleBuilder {
public:
  ScheduleBuilder(const LoopModel &model, const Dependences &deps)
      : m_(model), d_(deps), ctx_(deps.isl->ctx) {}

  Schedule run() {
    std::set<std::string> reductions, buffers;
    for (const Access &a : m_.accesses) {
      if (a.kind == AccessKind::Reduce)
        reductions.insert(m_.arrays[a.array].name);
      if (a.kind == AccessKind::BufferUpdate)
        buffers.insert(m_.arrays[a.array].name);
    }
    s_.reductions.assign(reductions.begin(), reductions.end());
    s_.buffers.assign(buffers.begin(), buffers.end());
    s_.dims = m_.levels[0].dim_labels;

    if (m_.pragma.kind == PragmaKind::Pipeline)
      s_.pipeline = plan_pipeline(m_, d_);
    if (!d_.obstacles.empty()) {
      for (size_t i = 0; i < d_.obstacles.size(); ++i)
        s_.refusals.push_back(
            {d_.obstacles[i].reason, -1, static_cast<int>(i), obstacle_fix(d_.obstacles[i])});
      return sequential();
    }
    if (m_.pragma.kind == PragmaKind::Pipeline)
      pipeline();
    else if (m_.pragma.ordered)
      ordered();
    else
      unordered();
    return s_;
  }

private:
  const LoopModel &m_;
  const Dependences &d_;
  isl::ctx ctx_;
  Schedule s_;

  std::string params() const { return "[" + llvm::join(m_.params, ", ") + "] -> "; }

  /// { L[x] -> L[y] : x_i != y_i for every i in `differ` }
  isl::map loop_condition(const std::vector<unsigned> &differ) const {
    const std::vector<std::string> &dims = m_.levels[0].dims;
    std::vector<std::string> x, y, ne;
    for (const std::string &d : dims) {
      x.push_back("x_" + d);
      y.push_back("y_" + d);
    }
    for (unsigned i : differ)
      ne.push_back(x[i] + " != " + y[i]);
    return parse_map(ctx_, params() + "{ L[" + llvm::join(x, ", ") + "] -> L[" +
                               llvm::join(y, ", ") + "] : " + llvm::join(ne, " and ") + " }");
  }

  std::vector<std::string> stmt_dims(unsigned stmt, const char *prefix) const {
    std::vector<std::string> dims;
    for (unsigned l : m_.statements[stmt].levels)
      for (const std::string &d : m_.levels[l].dims)
        dims.push_back(prefix + d);
    return dims;
  }

  /// { S_a[a..] -> S_b[b..] : a_k != b_k }, k the position of a band dim.
  isl::map statement_condition(const Dependence &dep, unsigned k) const {
    unsigned sa = m_.accesses[dep.source].statement, sb = m_.accesses[dep.sink].statement;
    std::vector<std::string> a = stmt_dims(sa, "a_"), b = stmt_dims(sb, "b_");
    return parse_map(ctx_, params() + "{ S" + std::to_string(sa) + "[" + llvm::join(a, ", ") +
                               "] -> S" + std::to_string(sb) + "[" + llvm::join(b, ", ") +
                               "] : " + a[k] + " != " + b[k] + " }");
  }

  Schedule &sequential() {
    s_.verdict = Verdict::Sequential;
    std::vector<std::string> why;
    for (const Refusal &r : s_.refusals)
      why.push_back(reason_message(r.reason));
    s_.why = llvm::join(why, "; ");
    return s_;
  }

  //===------------------------------------------------------------------===//
  // Refusals
  //===------------------------------------------------------------------===//

  Reason reason_of(const Dependence &dep, Reason otherwise) const {
    if (dep.through_alias)
      return Reason::MayAlias;
    if (dep.unknown_subscript)
      return Reason::UnknownSubscript;
    const ArrayInfo &array = m_.arrays[m_.accesses[dep.source].array];
    if (array.kind == ArrayKind::Scalar && !array.local && array.rank == 0)
      return Reason::SharedScalar;
    return otherwise;
  }

  std::string fix_for(const Dependence &dep, Reason reason) const {
    const Access &src = m_.accesses[dep.source], &dst = m_.accesses[dep.sink];
    const ArrayInfo &array = m_.arrays[src.array];
    bool additive = src.additive && (dst.additive || dst.kind == AccessKind::Read);
    switch (reason) {
    case Reason::SharedScalar:
      if (src.additive && dst.additive)
        return "declare '" + array.name + "' as weft::Accumulator<" + array.element_type +
               "> to make its updates a reduction";
      return "declare '" + array.name + "' inside the loop if each iteration needs its own copy";
    case Reason::Conflict:
      if (additive && array.kind == ArrayKind::DistArray)
        return "update '" + array.name + "' through a weft::Buffer to allow bounded staleness";
      return {};
    case Reason::MayAlias:
      return "declare the arrays in this function, or pass one array, so that weft can tell "
             "them apart";
    case Reason::UnknownSubscript: {
      // Why the subscript is not affine, where the frontend said (a narrowing
      // conversion, a product of variables, a value computed in the loop).
      std::string why;
      for (const Access *a : {&src, &dst})
        for (const Subscript &sub : a->subscripts)
          if (why.empty() && !sub.affine && !sub.range_begin && !sub.unknown.empty())
            why = sub.unknown;
      return "write the subscript as an affine expression of loop variables, sparse keys and "
             "loop-invariant integers" +
             (why.empty() ? std::string() : " (here " + why + ")");
    }
    default:
      return {};
    }
  }

  std::string obstacle_fix(const Obstacle &o) const {
    if (!o.fix.empty())
      return o.fix;
    switch (o.reason) {
    case Reason::UnknownCall:
      return "define the function in this file, or keep the call out of the loop";
    case Reason::UnknownEffect:
      return "write the expression with DistArray elements, locals and visible functions";
    case Reason::AccumulatorRead:
      return "read the accumulator's value after the loop";
    case Reason::EarlyExit:
      return "let every iteration run to its end";
    case Reason::AnalysisLimit:
      return "raise --isl-max-operations, or simplify the loop";
    default:
      return {};
    }
  }

  /// One refusal per reason, each with the first dependence (in source order) that
  /// shows it.
  void refuse(const std::vector<unsigned> &deps, Reason otherwise) {
    std::set<Reason> seen;
    for (unsigned i : deps) {
      Reason r = reason_of(d_.deps[i], otherwise);
      if (seen.insert(r).second)
        s_.refusals.push_back({r, static_cast<int>(i), -1, fix_for(d_.deps[i], r)});
    }
    // The most specific reason first: aliasing and unknown subscripts explain the others.
    std::stable_sort(s_.refusals.begin(), s_.refusals.end(),
                     [](const Refusal &a, const Refusal &b) {
                       auto rank = [](Reason r) {
                         return r == Reason::MayAlias           ? 0
                                : r == Reason::UnknownSubscript ? 1
                                : r == Reason::SharedScalar     ? 2
                                                                : 3;
                       };
                       return rank(a.reason) < rank(b.reason);
                     });
  }

  //===------------------------------------------------------------------===//
  // Unordered loops
  //===------------------------------------------------------------------===//

  void unordered() {
    std::vector<unsigned> plain;
    bool relaxed = false;
    for (unsigned i = 0; i < d_.deps.size(); ++i) {
      const Dependence &dep = d_.deps[i];
      if (dep.kind != DependenceKind::Conflict)
        continue;
      if (dep.relaxable)
        relaxed = true;
      else
        plain.push_back(i);
    }
    if (plain.empty()) {
      // A loop that updates through a Buffer runs relaxed even when no read sees the
      // updates: they are applied in batches, not when the iteration makes them.
      s_.verdict = relaxed || !s_.buffers.empty() ? Verdict::Relaxed : Verdict::DataParallel;
      s_.why = relaxed ? "the only conflicts are updates through " + llvm::join(s_.buffers, ", ") +
                             ", which may be stale by at most their max_delay updates"
               : !s_.buffers.empty()
                   ? "no iteration touches an element that another iteration writes, except "
                     "through " +
                         llvm::join(s_.buffers, ", ") +
                         ", whose updates are applied in batches of at most their max_delay"
                   : "no iteration touches an element that another iteration writes";
      return;
    }
    unsigned n = m_.levels[0].dims.size();
    auto holds = [&](const std::vector<unsigned> &differ) {
      isl::map condition = loop_condition(differ);
      for (unsigned i : plain)
        if (!d_.deps[i].loop_relation.intersect(condition).is_empty())
          return false;
      return true;
    };
    // The relaxable conflicts were left out of `plain`: the explanation says so.
    const std::string aside =
        relaxed ? " (updates through " + llvm::join(s_.buffers, ", ") +
                      " aside, which may be stale by at most their max_delay updates)"
                : "";
    for (unsigned d = 0; d < n; ++d)
      if (holds({d})) {
        s_.verdict = Verdict::Partition1D;
        s_.partition_dim = d;
        s_.why = "every conflict" + aside + " is between iterations with the same " + s_.dims[d] +
                 ", so iterations are partitioned by " + s_.dims[d];
        return;
      }
    for (unsigned a = 0; a < n; ++a)
      for (unsigned b = a + 1; b < n; ++b)
        if (holds({a, b})) {
          s_.verdict = Verdict::Rotation2D;
          s_.space_dim = a;
          s_.time_dim = b;
          s_.why = "no two conflicting iterations" + aside + " differ in both " + s_.dims[a] +
                   " and " + s_.dims[b] + ", so blocks of " + s_.dims[a] +
                   " (space) run at once while "
                   "blocks of " +
                   s_.dims[b] + " (time) rotate among them";
          return;
        }
    // Shown first: the conflicts between iterations that differ in every dim, which no
    // partition or rotation can keep apart (one that a partition by a dim would resolve
    // is not what keeps the loop sequential, e.g. beside an accumulator's reset).
    std::vector<unsigned> all_dims(n);
    for (unsigned d = 0; d < n; ++d)
      all_dims[d] = d;
    const isl::map everywhere = loop_condition(all_dims);
    std::stable_partition(plain.begin(), plain.end(), [&](unsigned i) {
      return !d_.deps[i].loop_relation.intersect(everywhere).is_empty();
    });
    refuse(plain, Reason::Conflict);
    sequential();
  }

  //===------------------------------------------------------------------===//
  // Ordered loops
  //===------------------------------------------------------------------===//

  /// The annotated loop and the counted levels perfectly nested in it: each has exactly
  /// one child level, and every statement lies inside the innermost.
  std::vector<unsigned> band() const {
    std::vector<unsigned> band;
    if (m_.levels[0].kind != LevelKind::Counted)
      return band;
    band.push_back(0);
    while (true) {
      std::vector<unsigned> children;
      for (unsigned l = 0; l < m_.levels.size(); ++l)
        if (m_.levels[l].parent == static_cast<int>(band.back()))
          children.push_back(l);
      if (children.size() != 1 || m_.levels[children[0]].kind != LevelKind::Counted ||
          !m_.levels[children[0]].lower || !m_.levels[children[0]].upper)
        break;
      unsigned child = children[0];
      bool all_inside =
          std::all_of(m_.statements.begin(), m_.statements.end(), [&](const Statement &s) {
            return std::find(s.levels.begin(), s.levels.end(), child) != s.levels.end();
          });
      if (!all_inside)
        break;
      band.push_back(child);
    }
    return band;
  }

  void ordered() {
    std::vector<unsigned> carried, all;
    for (unsigned i = 0; i < d_.deps.size(); ++i) {
      if (d_.deps[i].relaxable)
        continue;
      all.push_back(i);
      if (d_.deps[i].carried)
        carried.push_back(i);
    }
    if (carried.empty()) {
      s_.verdict = Verdict::DataParallel;
      s_.why = "no dependence relates two iterations of the loop";
      return;
    }
    std::vector<unsigned> levels = band();
    if (!levels.empty()) {
      s_.dims.clear();
      for (unsigned l : levels)
        s_.dims.push_back(m_.levels[l].var);
      for (unsigned k = 1; k < levels.size(); ++k) {
        bool separate = std::all_of(all.begin(), all.end(), [&](unsigned i) {
          return d_.deps[i].relation.intersect(statement_condition(d_.deps[i], k)).is_empty();
        });
        if (separate) {
          s_.verdict = Verdict::Partition1D;
          s_.partition_dim = k;
          s_.why = "every dependence stays within one value of " + s_.dims[k] +
                   ", so iterations are partitioned by " + s_.dims[k] +
                   " and each part runs in order";
          return;
        }
      }
      if (levels.size() >= 2 && wavefront(all, levels))
        return;
    }
    refuse(carried, Reason::CarriedDependence);
    sequential();
  }

  /// The distances of the dependences in the band, in execution order: B[...] with each
  /// dim negated when its loop counts down, so every distance is lexicographically
  /// positive. The zero vector (a dependence inside one band point) is left out.
  /// Distances that form a small finite set (the usual stencil case) are also listed
  /// as points, so most hyperplanes are tested without isl.
  struct BandDistances {
    isl::set set;
    isl::set any; ///< set over all parameter values
    bool finite = false;
    std::vector<std::vector<int64_t>> points;
  };

  std::vector<BandDistances> band_distances(const std::vector<unsigned> &deps,
                                            const std::vector<unsigned> &levels) const {
    size_t width = levels.size();
    std::vector<std::string> z, flipped, nonzero;
    for (size_t k = 0; k < width; ++k) {
      z.push_back("z" + std::to_string(k));
      flipped.push_back((m_.levels[levels[k]].step < 0 ? "-" : "") + z.back());
      nonzero.push_back(z.back() + " != 0");
    }
    isl::map execution_order = parse_map(ctx_, params() + "{ B[" + llvm::join(z, ", ") + "] -> B[" +
                                                   llvm::join(flipped, ", ") + "] }");
    isl::set not_zero = parse_set(ctx_, params() + "{ B[" + llvm::join(z, ", ") +
                                            "] : " + llvm::join(nonzero, " or ") + " }");
    std::vector<BandDistances> out;
    for (unsigned i : deps) {
      const Dependence &dep = d_.deps[i];
      auto to_band = [&](unsigned stmt) {
        std::vector<std::string> dims = stmt_dims(stmt, "");
        std::vector<std::string> head(dims.begin(), dims.begin() + width);
        return parse_map(ctx_, params() + "{ S" + std::to_string(stmt) + "[" +
                                   llvm::join(dims, ", ") + "] -> B[" + llvm::join(head, ", ") +
                                   "] }");
      };
      isl::map in_band = dep.relation.apply_domain(to_band(m_.accesses[dep.source].statement))
                             .apply_range(to_band(m_.accesses[dep.sink].statement));
      BandDistances d;
      d.set = in_band.deltas().apply(execution_order).intersect(not_zero);
      // Over all parameter values (a superset, so testing its points is sound).
      d.any = isl::manage(isl_set_project_out(d.set.copy(), isl_dim_param, 0,
                                              isl_set_dim(d.set.get(), isl_dim_param)));
      if (isl_set_is_bounded(d.any.get()) == isl_bool_true) {
        d.finite = true;
        isl_set_foreach_point(
            d.any.get(),
            [](isl_point *p, void *user) -> isl_stat {
              auto *d = static_cast<BandDistances *>(user);
              std::vector<int64_t> v;
              isl_space *space = isl_point_get_space(p);
              int n = isl_space_dim(space, isl_dim_set);
              isl_space_free(space);
              for (int k = 0; k < n; ++k) {
                isl_val *c = isl_point_get_coordinate_val(p, isl_dim_set, k);
                v.push_back(isl_val_get_num_si(c));
                isl_val_free(c);
              }
              isl_point_free(p);
              d->points.push_back(v);
              return d->points.size() > 256 ? isl_stat_error : isl_stat_ok;
            },
            &d);
        if (d.points.size() > 256)
          d.finite = false;
      }
      out.push_back(std::move(d));
    }
    return out;
  }

  /// Per dim, the least and greatest component of the distances (Schedule::distances):
  /// from the listed points when the set is finite, otherwise from isl.
  std::vector<Schedule::DistanceBounds> distance_bounds(const std::vector<BandDistances> &distances,
                                                        size_t width) const {
    std::vector<Schedule::DistanceBounds> bounds(width);
    std::vector<bool> bounded(width, true), seen(width, false);
    auto widen = [&](size_t k, int64_t lo, int64_t hi) {
      Schedule::DistanceBounds &b = bounds[k];
      b.min = seen[k] ? std::min(*b.min, lo) : lo;
      b.max = seen[k] ? std::max(*b.max, hi) : hi;
      seen[k] = true;
    };
    for (const BandDistances &d : distances) {
      if (d.finite) {
        for (const std::vector<int64_t> &p : d.points)
          for (size_t k = 0; k < width; ++k)
            widen(k, p[k], p[k]);
        continue;
      }
      if (d.any.is_empty())
        continue;
      for (size_t k = 0; k < width; ++k) {
        isl::val lo = d.any.dim_min_val(static_cast<int>(k)),
                 hi = d.any.dim_max_val(static_cast<int>(k));
        if (!lo.is_int() || !hi.is_int()) {
          bounded[k] = false;
          continue;
        }
        widen(k, lo.get_num_si(), hi.get_num_si());
      }
    }
    for (size_t k = 0; k < width; ++k)
      if (!bounded[k])
        bounds[k] = {};
      else if (!seen[k])
        bounds[k] = {0, 0}; // no distance at all
    return bounds;
  }

  /// A wavefront: a row h with h . d >= 1 for every band distance d (in execution
  /// order) and a coefficient +-1, tried from the lightest; coefficients in [-1, 5] and
  /// bands of at most 5 dims keep the search small.
  bool wavefront(const std::vector<unsigned> &deps, const std::vector<unsigned> &levels) {
    size_t width = levels.size();
    if (width > 5)
      return false;
    std::vector<BandDistances> distances = band_distances(deps, levels);
    std::vector<std::string> z;
    for (size_t k = 0; k < width; ++k)
      z.push_back("z" + std::to_string(k));
    std::vector<std::vector<int64_t>> candidates;
    std::vector<int64_t> h(width, -1);
    while (true) {
      candidates.push_back(h);
      size_t k = 0;
      while (k < width && ++h[k] > 5)
        h[k++] = -1;
      if (k == width)
        break;
    }
    auto cost = [](const std::vector<int64_t> &v) {
      int64_t c = 0;
      for (int64_t x : v)
        c += x < 0 ? -x : x;
      return c;
    };
    std::stable_sort(candidates.begin(), candidates.end(),
                     [&](const auto &a, const auto &b) { return cost(a) < cost(b); });
    auto advances = [&](const std::vector<int64_t> &row, const BandDistances &d) {
      if (d.finite)
        return std::all_of(d.points.begin(), d.points.end(), [&](const std::vector<int64_t> &p) {
          int64_t dot = 0;
          for (size_t k = 0; k < width; ++k)
            dot += row[k] * p[k];
          return dot >= 1;
        });
      std::vector<std::string> terms;
      for (size_t k = 0; k < width; ++k)
        if (row[k] != 0)
          terms.push_back(std::to_string(row[k]) + "*" + z[k]);
      if (terms.empty())
        return d.set.is_empty();
      isl::set violated = parse_set(ctx_, params() + "{ B[" + llvm::join(z, ", ") +
                                              "] : " + llvm::join(terms, " + ") + " <= 0 }");
      return d.set.intersect(violated).is_empty();
    };
    for (const std::vector<int64_t> &row : candidates) {
      auto unit = std::find_if(row.begin(), row.end(), [](int64_t c) { return c == 1 || c == -1; });
      if (unit == row.end())
        continue; // no unimodular completion by unit vectors
      // Finite sets first: they reject most candidates without isl.
      bool valid = true;
      for (int pass = 0; pass < 2 && valid; ++pass)
        for (const BandDistances &d : distances)
          if (d.finite == (pass == 0) && !advances(row, d)) {
            valid = false;
            break;
          }
      if (!valid)
        continue;
      // Back to the loops' own variables: a dim that counts down flips its coefficient.
      std::vector<int64_t> hyperplane = row;
      for (size_t k = 0; k < width; ++k)
        if (m_.levels[levels[k]].step < 0)
          hyperplane[k] = -hyperplane[k];
      // Rows: the hyperplane, then the unit vectors of every dim but one with a unit
      // coefficient; the determinant is that coefficient, +-1.
      size_t pivot = unit - row.begin();
      s_.skew.push_back(hyperplane);
      for (size_t k = 0; k < width; ++k)
        if (k != pivot) {
          std::vector<int64_t> e(width, 0);
          e[k] = 1;
          s_.skew.push_back(e);
        }
      // The hyperplane as users write it: "2*i + j", "-i - j".
      std::string time;
      for (size_t k = 0; k < width; ++k) {
        const int64_t c = hyperplane[k];
        if (c == 0)
          continue;
        const int64_t magnitude = c < 0 ? -c : c;
        time += time.empty() ? (c < 0 ? "-" : "") : (c < 0 ? " - " : " + ");
        time += (magnitude == 1 ? "" : std::to_string(magnitude) + "*") + s_.dims[k];
      }
      s_.distances = distance_bounds(distances, width);
      s_.verdict = Verdict::Wavefront;
      s_.why =
          "every dependence advances " + time + ", so the iterations of one wavefront run at once";
      return true;
    }
    return false;
  }

  //===------------------------------------------------------------------===//
  // Pipelines
  //===------------------------------------------------------------------===//

  void pipeline() {
    const PipelinePlan &plan = s_.pipeline;
    std::vector<std::string> legal;
    for (const PipelineCut &cut : plan.cuts)
      if (cut.legal)
        legal.push_back(std::to_string(cut.after + 1));
    if (!legal.empty()) {
      s_.verdict = Verdict::Pipeline;
      s_.why = "the body has " + std::to_string(plan.layers.size()) + " layers, and " +
               (legal.size() > 1 ? "the cuts after layers " + llvm::join(legal, ", ") + " are"
                                 : "the cut after layer " + legal[0] + " is") +
               " legal: only an activation crosses forward and its gradient backward";
      return;
    }
    if (plan.layers.size() < 2) {
      s_.refusals.push_back({Reason::NotAPipeline, -1, -1,
                             "a pipeline needs two or more layers, each with its own weights "
                             "(read first by its forward operation, updated after its "
                             "backward one)",
                             -1, -1});
      sequential();
      return;
    }
    std::set<Reason> seen;
    for (size_t c = 0; c < plan.cuts.size(); ++c)
      for (size_t r = 0; r < plan.cuts[c].refusals.size(); ++r) {
        const CutRefusal &refusal = plan.cuts[c].refusals[r];
        if (seen.insert(refusal.reason).second)
          s_.refusals.push_back(
              {refusal.reason, -1, -1, refusal.fix, static_cast<int>(c), static_cast<int>(r)});
      }
    sequential();
  }
};

} // namespace

Schedule choose_schedule(const LoopModel &model, const Dependences &deps) {
  try {
    return ScheduleBuilder(model, deps).run();
  } catch (const isl::exception_quota &) {
    Schedule s;
    s.verdict = Verdict::Sequential;
    s.refusals.push_back(
        {Reason::AnalysisLimit, -1, -1, "raise --isl-max-operations, or simplify the loop"});
    s.why = reason_message(Reason::AnalysisLimit);
    return s;
  }
}

} // namespace weft
