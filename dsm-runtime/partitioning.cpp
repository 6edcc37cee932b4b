// Range and histogram partitioning of one dimension.
#include "weft/rt/partitioning.h"

#include <algorithm>

namespace weft::rt {

std::vector<std::int64_t> range_bounds(std::int64_t extent, int parts) {
  std::vector<std::int64_t> b(static_cast<std::size_t>(parts) + 1);
  // floor(extent * k / parts) without overflow: extent = q * parts + r.
  const std::int64_t q = extent / parts, r = extent % parts;
  for (int k = 0; k <= parts; ++k) b[k] = q * k + r * k / parts;
  return b;
}

std::vector<std::int64_t> histogram_bounds_within(const std::vector<std::int64_t>& counts, std::int64_t begin,
                                                  std::int64_t end, int parts) {
  std::int64_t total = 0;
  for (std::int64_t i = begin; i < end; ++i) total += counts[static_cast<std::size_t>(i)];
  if (total == 0) {
    std::vector<std::int64_t> b = range_bounds(end - begin, parts);
    for (auto& x : b) x += begin;
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
    while (k < parts && prefix * parts >= total * k) b[k++] = i + 1;
  }
  return b;
}

std::vector<std::int64_t> histogram_bounds(const std::vector<std::int64_t>& counts, int parts) {
  return histogram_bounds_within(counts, 0, static_cast<std::int64_t>(counts.size()), parts);
}

int part_of(const std::vector<std::int64_t>& bounds, std::int64_t index) {
  const auto it = std::upper_bound(bounds.begin(), bounds.end(), index);
  const int k = static_cast<int>(it - bounds.begin()) - 1;
  return std::clamp(k, 0, static_cast<int>(bounds.size()) - 2);
}

}  // namespace weft::rt
