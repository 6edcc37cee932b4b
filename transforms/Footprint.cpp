//===- Footprint.cpp - What an executor moves between processes ----------===//
#include "Footprint.h"

#include <isl/cpp.h>
#include <isl/map.h>

#include <algorithm>
#include <vector>

namespace weft {
namespace rewrite {
namespace {

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

} // namespace

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
      case AccessKind::Reduce:
        reduced = true;
        break;
      case AccessKind::BufferUpdate:
        buffered = true;
        break;
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

std::variant<std::pair<int64_t, int64_t>, Refused> wavefront_halo(const Dependences &deps) {
  isl_ctx_reset_operations(deps.isl->ctx.get());
  try {
    return wavefront_halo_of(deps);
  } catch (const isl::exception_quota &) {
    return Refused{"finding its wavefront's halo needs more isl operations than "
                   "--isl-max-operations allows"};
  }
}

} // namespace rewrite
} // namespace weft
