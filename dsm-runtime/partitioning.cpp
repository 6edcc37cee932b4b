// Range and histogram partitioning of one dimension; rows named by keys.
#include "weft/rt/partitioning.h"

#include <algorithm>

namespace weft::rt {

std::vector<std::int64_t> range_bounds(std::int64_t extent, int parts) {
  std::vector<std::int64_t> b(static_cast<std::size_t>(parts) + 1);
  // floor(extent * k / parts) without overflow: extent = q * parts + r.
  const std::int64_t q = extent / parts, r = extent % parts;
  for (int k = 0; k <= parts; ++k)
    b[k] = q * k + r * k / parts;
  return b;
}

std::vector<std::int64_t> histogram_bounds_within(const std::vector<std::int64_t> &counts,
                                                  std::int64_t begin, std::int64_t end, int parts) {
  std::int64_t total = 0;
  for (std::int64_t i = begin; i < end; ++i)
    total += counts[static_cast<std::size_t>(i)];
  if (total == 0) {
    std::vector<std::int64_t> b = range_bounds(end - begin, parts);
    for (auto &x : b)
      x += begin;
    return b;
  }
  std::vector<std::int64_t> b(static_cast<std::size_t>(parts) + 1, end);
  b[0] = begin;
  std::int64_t prefix = 0;
  int k = 1;
  for (std::int64_t i = begin; i < end && k < parts; ++i) {
    prefix += counts[static_cast<std::size_t>(i)];
    // Part k - 1 ends after index i once the prefix reaches its share; an index heavier
    // than several shares closes several parts at once (the later ones empty).
    // (Entry counts times parts stay far below 2^63.)
    while (k < parts && prefix * parts >= total * k)
      b[k++] = i + 1;
  }
  return b;
}

std::vector<std::int64_t> histogram_bounds(const std::vector<std::int64_t> &counts, int parts) {
  return histogram_bounds_within(counts, 0, static_cast<std::int64_t>(counts.size()), parts);
}

int part_of(const std::vector<std::int64_t> &bounds, std::int64_t index) {
  const auto it = std::upper_bound(bounds.begin(), bounds.end(), index);
  const int k = static_cast<int>(it - bounds.begin()) - 1;
  return std::clamp(k, 0, static_cast<int>(bounds.size()) - 2);
}

std::string RowMap::str() const {
  if (scale < 0)
    return "row = " + std::to_string(offset) + " - key";
  if (offset == 0)
    return "row = key";
  const auto magnitude = offset < 0 ? 0 - static_cast<unsigned long long>(offset)
                                    : static_cast<unsigned long long>(offset);
  return "row = key " + std::string(offset < 0 ? "- " : "+ ") + std::to_string(magnitude);
}

RowRange rows_of_keys(const RowMap &map, std::int64_t begin, std::int64_t end) {
  // scale = +1: [begin + offset, end + offset); scale = -1: the keys' rows run down from
  // offset - begin to offset - (end - 1).
  if (map.scale > 0)
    return RowRange{begin + map.offset, end + map.offset};
  return RowRange{map.offset - end + 1, map.offset - begin + 1};
}

std::int64_t key_extent_of_rows(const RowMap &map, std::int64_t rows) {
  // scale = +1: key + offset < rows iff key < rows - offset; scale = -1: offset - key >= 0
  // iff key <= offset.
  const std::int64_t extent = map.scale > 0 ? rows - map.offset : map.offset + 1;
  return std::max<std::int64_t>(extent, 0);
}

std::vector<RowRange> part_rows(const std::vector<std::int64_t> &key_bounds, const RowMap &map,
                                std::int64_t rows) {
  const std::size_t parts = key_bounds.size() - 1;
  std::vector<RowRange> out(parts);
  for (std::size_t k = 0; k < parts; ++k)
    out[k] = rows_of_keys(map, key_bounds[k], key_bounds[k + 1]);
  // The ends of the array: below the lowest row and above the highest any key names.
  RowRange &low = map.scale > 0 ? out.front() : out.back();
  RowRange &high = map.scale > 0 ? out.back() : out.front();
  low.begin = 0;
  high.end = rows;
  for (RowRange &r : out) {
    r.begin = std::clamp<std::int64_t>(r.begin, 0, rows);
    r.end = std::clamp<std::int64_t>(r.end, r.begin, rows);
  }
  return out;
}

} // namespace weft::rt
