//===- WavefrontRewrite.cpp - A wavefront nest into a wavefront call ------===//
#include "WavefrontRewrite.h"

#include "InternalError.h"

#include <algorithm>

namespace weft {
namespace rewrite {
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
  // The band's levels: the annotated loop and its only child.
  if (m.levels.size() < 2 || m.levels[1].parent != 0 || m.levels[1].stmt != inner)
    return Refused{"the wavefront's inner loop is not the level the analysis saw"};
  std::vector<Header> headers;
  for (const LoopLevel *level : {&m.levels[0], &m.levels[1]}) {
    std::variant<Header, Refused> h = counted_header(context, *level, text);
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
  const Schedule &s = *loop.schedule;
  const auto *outer = llvm::cast<clang::ForStmt>(m.levels[0].stmt);
  const clang::ForStmt *inner = sole_inner_for(outer->getBody());
  for (const Header &h : headers)
    if (h.step != 1 && h.step != -1)
      return Refused{"the wavefront executor runs loops that step by one, up or down"};
  if (fp.buffers)
    return Refused{"the wavefront executor does not take Buffers"};
  // The halos, from the distances the analysis bounded (in the order the loops run).
  WEFT_INTERNAL_ASSERT(s.distances.size() == 2,
                       "a wavefront of two loops without the bounds of its distances");
  // Only the columns' reach matters for the exchange (a halo message carries every row
  // that a process's neighbour has finished); the rows' reach only sizes row blocks.
  if (!s.distances[1].min || !s.distances[1].max)
    return Refused{"its dependences reach an unbounded number of columns (the wavefront "
                   "executor exchanges halos of a fixed width)"};
  const int64_t halo_rows = std::max<int64_t>(s.distances[0].max.value_or(1), 1);
  const int64_t halo_cols = std::max<int64_t>(*s.distances[1].max, 1);
  const int64_t skew_cols = std::max<int64_t>(-*s.distances[1].min, 0);
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
  // A triangular nest: the inner loop's bounds are affine in the outer variable (the
  // band holds only levels with affine bounds), so the executor takes them as a function
  // of the row.
  const bool triangular =
      mentions(inner->getInit(), headers[0].var) || mentions(inner->getCond(), headers[0].var);
  std::string space = "weft::rt::Wavefront{{" + headers[0].begin + ", " + headers[0].end + "}, {" +
                      (triangular ? "" : headers[1].begin + ", " + headers[1].end) + "}, " +
                      "/*halo_rows=*/" + std::to_string(halo_rows) + ", /*halo_cols=*/" +
                      std::to_string(halo_cols);
  const bool mirrored = headers[0].step < 0 || headers[1].step < 0;
  if (skew_cols > 0 || mirrored)
    space += ", /*skew_cols=*/" + std::to_string(skew_cols);
  auto order = [](const Header &h) {
    return h.step < 0 ? "weft::rt::Order::Descending" : "weft::rt::Order::Ascending";
  };
  if (mirrored)
    space += std::string(", ") + order(headers[0]) + ", " + order(headers[1]);
  space += "}";
  if (triangular)
    space += ", [&](" + headers[0].declaration + ") { return weft::rt::IndexRange{" +
             headers[1].begin + ", " + headers[1].end + "}; }";
  return "weft::rt::wavefront(" + session + ", " + space;
}

} // namespace rewrite
} // namespace weft
