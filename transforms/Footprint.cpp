//===- Footprint.cpp - What an executor moves between processes ----------===//
#include "Footprint.h"

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

} // namespace rewrite
} // namespace weft
