//===- WavefrontRewrite.cpp - A wavefront nest into a wavefront call ------===//
#include "WavefrontRewrite.h"

#include <isl/cpp.h>
#include <isl/map.h>

#include <algorithm>

namespace weft {
namespace rewrite {
namespace {

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

/// The largest distance of any dependence along the two band dims, or why the executor
/// cannot run them. The isl work here has a budget of --isl-max-operations of its own.
std::variant<std::pair<int64_t, int64_t>, Refused> wavefront_halo(const Dependences &deps) {
  isl_ctx_reset_operations(deps.isl->ctx.get());
  try {
    return wavefront_halo_of(deps);
  } catch (const isl::exception_quota &) {
    return Refused{"finding its wavefront's halo needs more isl operations than "
                   "--isl-max-operations allows"};
  }
}

} // namespace

std::variant<std::vector<Header>, Refused>
wavefront_headers(clang::ASTContext &context, const AnalyzedLoop &loop, const Text &text) {
  const LoopModel &m = *loop.model;
  const Schedule &s = *loop.schedule;
  const auto *outer = llvm::dyn_cast_or_null<clang::ForStmt>(m.levels[0].stmt);
  if (!outer || s.dims.size() != 2)
    return Refused{"the wavefront executor runs two perfectly nested counted loops; this "
                   "band has " +
                   std::to_string(s.dims.size()) + " dims"};
  const clang::ForStmt *inner = sole_inner_for(outer->getBody());
  if (!inner)
    return Refused{"the wavefront's outer loop holds more than its inner loop"};
  std::vector<Header> headers;
  for (const clang::ForStmt *f : {outer, inner}) {
    std::variant<Header, Refused> h = counted_header(context, f, text);
    if (auto *r = std::get_if<Refused>(&h))
      return *r;
    headers.push_back(std::get<Header>(h));
  }
  return headers;
}

std::variant<std::string, Refused> wavefront_call(const AnalyzedLoop &loop,
                                                  const std::vector<Header> &headers,
                                                  const FootprintText &fp,
                                                  const std::string &session) {
  const LoopModel &m = *loop.model;
  const auto *outer = llvm::cast<clang::ForStmt>(m.levels[0].stmt);
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
  return "weft::rt::wavefront(" + session + ", weft::rt::Wavefront{{" + headers[0].begin + ", " +
         headers[0].end + "}, {" + headers[1].begin + ", " + headers[1].end + "}, " +
         "/*halo_rows=*/" + std::to_string(std::max<int64_t>(rows, 1)) + ", /*halo_cols=*/" +
         std::to_string(std::max<int64_t>(cols, 1)) + "}";
}

} // namespace rewrite
} // namespace weft
