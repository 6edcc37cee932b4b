//===- Footprint.cpp - What an executor moves between processes ----------===//
#include "Footprint.h"

#include <algorithm>
#include <map>
#include <vector>

namespace weft {
namespace rewrite {
namespace {

/// How a subscript names rows by a key: row = scale * dims[dim] + offset, with scale
/// +1 or -1 and offset an affine expression of constants and parameters.
struct KeyRow {
  unsigned dim = 0;
  int64_t scale = 1;
  AffineExpr offset;

  bool identity() const { return scale == 1 && offset.is_constant() && offset.constant == 0; }
  bool operator==(const KeyRow &o) const {
    return dim == o.dim && scale == o.scale && offset == o.offset;
  }
  bool operator!=(const KeyRow &o) const { return !(*this == o); }
};

/// The key row that `s` names: `s` is affine with exactly one dim of levels[0], with
/// coefficient +1 or -1, and otherwise only parameters (no dim of a nested loop).
std::optional<KeyRow> key_row(const LoopModel &m, const Subscript &s) {
  if (!s.affine)
    return std::nullopt;
  const std::vector<std::string> &dims = m.levels[0].dims;
  std::optional<KeyRow> row;
  AffineExpr offset = AffineExpr::constant_expr(s.affine->constant);
  for (const auto &[name, coeff] : s.affine->coeffs) {
    auto d = std::find(dims.begin(), dims.end(), name);
    if (d != dims.end()) {
      if (row || (coeff != 1 && coeff != -1))
        return std::nullopt;
      row = KeyRow{static_cast<unsigned>(d - dims.begin()), coeff, {}};
    } else if (std::find(m.params.begin(), m.params.end(), name) != m.params.end()) {
      offset.coeffs[name] = coeff;
    } else {
      return std::nullopt; // a dim of a nested loop
    }
  }
  if (row)
    row->offset = offset;
  return row;
}

/// "key[0] - 1", "-key[0] + n - 1": the row, for messages.
std::string describe(const LoopModel &m, const KeyRow &r) {
  AffineExpr row = r.offset;
  row.coeffs[m.levels[0].dim_labels[r.dim]] = r.scale;
  return row.str();
}

/// The C++ text of the runtime's map for `r` ("weft::rt::RowMap{-1, static_cast<
/// std::int64_t>(n) - 1}"), or nullopt when a parameter of the offset has no source
/// expression (a trip count).
std::optional<std::string> row_map_text(const LoopModel &m, const KeyRow &r) {
  std::string offset;
  for (const auto &[param, coeff] : r.offset.coeffs) {
    auto source = m.param_source.find(param);
    if (source == m.param_source.end() || source->second.empty())
      return std::nullopt;
    std::string term = "static_cast<std::int64_t>(" + source->second + ")";
    if (coeff != 1 && coeff != -1)
      term = std::to_string(coeff < 0 ? 0 - static_cast<uint64_t>(coeff)
                                      : static_cast<uint64_t>(coeff)) +
             " * " + term;
    if (offset.empty())
      offset = coeff < 0 ? "-" + term : term;
    else
      offset += (coeff < 0 ? " - " : " + ") + term;
  }
  const int64_t c = r.offset.constant;
  const uint64_t magnitude = c < 0 ? 0 - static_cast<uint64_t>(c) : static_cast<uint64_t>(c);
  if (offset.empty())
    offset = std::to_string(c);
  else if (c != 0)
    offset += (c < 0 ? " - " : " + ") + std::to_string(magnitude);
  return "weft::rt::RowMap{" + std::to_string(r.scale) + ", " + offset + "}";
}

} // namespace

std::variant<FootprintText, Refused> footprint(const LoopModel &m, bool strided) {
  std::vector<std::string> writes, reads, reduces, buffers;
  std::set<int> write_dims;
  // The map of the first written array per key dim, with its name: the written arrays
  // of one key dim must name their rows through the same map.
  std::map<unsigned, std::pair<KeyRow, std::string>> write_maps;
  for (unsigned a = 0; a < m.arrays.size(); ++a) {
    const ArrayInfo &array = m.arrays[a];
    if (array.local)
      continue;
    bool written = false, read = false, reduced = false, buffered = false;
    std::optional<KeyRow> write_row, read_row;
    bool write_rows_agree = true, read_rows_agree = true;
    for (const Access &access : m.accesses) {
      if (access.array != a)
        continue;
      std::optional<KeyRow> r;
      if (!strided && !access.whole_array && !access.subscripts.empty())
        r = key_row(m, access.subscripts[0]);
      switch (access.kind) {
      case AccessKind::Reduce:
        reduced = true;
        break;
      case AccessKind::BufferUpdate:
        buffered = true;
        break;
      case AccessKind::Write:
        written = true;
        if (!r || (write_row && *write_row != *r))
          write_rows_agree = false;
        else
          write_row = r;
        break;
      case AccessKind::Read:
        read = true;
        if (!r || (read_row && *read_row != *r))
          read_rows_agree = false;
        else
          read_row = r;
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
      if (!write_rows_agree || !write_row)
        return Refused{"it writes rows of '" + array.name +
                       "' that no single key of the loop names (the first subscript must be "
                       "a key, such as " +
                       m.levels[0].dim_labels[0] + ")"};
      auto [first, inserted] =
          write_maps.emplace(write_row->dim, std::make_pair(*write_row, array.name));
      if (!inserted && first->second.first != *write_row)
        return Refused{"its written arrays name their rows by " +
                       m.levels[0].dim_labels[write_row->dim] + " in different ways ('" +
                       first->second.second + "' at " + describe(m, first->second.first) + ", '" +
                       array.name + "' at " + describe(m, *write_row) +
                       "), and the executor gives every written array of a key the same map"};
      std::string arguments = array.name + ", " + std::to_string(write_row->dim);
      if (!write_row->identity()) {
        std::optional<std::string> map = row_map_text(m, *write_row);
        if (!map)
          return Refused{"the rows of '" + array.name + "' are " + describe(m, *write_row) +
                         ", whose offset is not the value of an expression before the loop"};
        arguments += ", " + *map;
      }
      writes.push_back(".write(" + arguments + ")");
      write_dims.insert(static_cast<int>(write_row->dim));
    } else if (read && array.kind == ArrayKind::DistArray) {
      std::optional<std::string> map;
      if (read_rows_agree && read_row && !read_row->identity())
        map = row_map_text(m, *read_row);
      if (read_rows_agree && read_row && read_row->identity())
        reads.push_back(".read(" + array.name + ", " + std::to_string(read_row->dim) + ")");
      else if (map)
        reads.push_back(".read(" + array.name + ", " + std::to_string(read_row->dim) + ", " + *map +
                        ")");
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
