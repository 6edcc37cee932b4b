// weft/rt/partitioning.h — how a dimension is cut into parts: by range (equal numbers of
// indices) or by histogram (equal numbers of entries, Orion's answer to skewed data).
#pragma once

#include <cstdint>
#include <vector>

namespace weft::rt {

// bounds[0] = 0 <= bounds[1] <= ... <= bounds[parts] = extent; part k is
// [bounds[k], bounds[k + 1]).

// Equal ranges: part k gets indices [extent * k / parts, extent * (k + 1) / parts).
std::vector<std::int64_t> range_bounds(std::int64_t extent, int parts);

// Cuts [0, counts.size()) so that the parts hold about equal sums of counts[i]: part k
// ends at the first index whose prefix sum reaches total * (k + 1) / parts. A part may
// be empty when one index holds more than a part's share. All counts zero: equal ranges.
std::vector<std::int64_t> histogram_bounds(const std::vector<std::int64_t>& counts, int parts);

// The part of [bounds[0], bounds.back()) that holds `index` (binary search).
int part_of(const std::vector<std::int64_t>& bounds, std::int64_t index);

// Cuts [begin, end) of `counts` (indices relative to 0) into parts by histogram; the
// returned bounds are absolute.
std::vector<std::int64_t> histogram_bounds_within(const std::vector<std::int64_t>& counts, std::int64_t begin,
                                                  std::int64_t end, int parts);

}  // namespace weft::rt
