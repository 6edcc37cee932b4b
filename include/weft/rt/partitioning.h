// weft/rt/partitioning.h — how a dimension is cut into parts: by range (equal numbers of
// indices) or by histogram (equal numbers of entries, Orion's answer to skewed data); and
// which rows of an array the keys of a part name (RowMap).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace weft::rt {

// bounds[0] = 0 <= bounds[1] <= ... <= bounds[parts] = extent; part k is
// [bounds[k], bounds[k + 1]).

// Equal ranges: part k gets indices [extent * k / parts, extent * (k + 1) / parts).
std::vector<std::int64_t> range_bounds(std::int64_t extent, int parts);

// Cuts [0, counts.size()) so that the parts hold about equal sums of counts[i]: part k
// ends at the first index whose prefix sum reaches total * (k + 1) / parts. A part may
// be empty when one index holds more than a part's share. All counts zero: equal ranges.
std::vector<std::int64_t> histogram_bounds(const std::vector<std::int64_t> &counts, int parts);

// The part of [bounds[0], bounds.back()) that holds `index` (binary search).
int part_of(const std::vector<std::int64_t> &bounds, std::int64_t index);

// Cuts [begin, end) of `counts` (indices relative to 0) into parts by histogram; the
// returned bounds are absolute.
std::vector<std::int64_t> histogram_bounds_within(const std::vector<std::int64_t> &counts,
                                                  std::int64_t begin, std::int64_t end, int parts);

// How a loop's key names the rows of an array it writes or reads: row = scale * key +
// offset, with scale = +1 or -1 (W(key, k): {1, 0}; W(key - 1, k), a 1-based key: {1, -1};
// W(n - 1 - key, k), a reversed one: {-1, n - 1}). The map is one to one, so keys that
// one worker owns name rows that no other worker names, which is what lets an executor
// give every row one owner. A key may name a row outside the array: the body reaches that
// row only under a condition that excludes it (`if (u > 0) W(u - 1, k)`), or the serial
// loop would index out of bounds too; layouts and prefetches leave such rows out
// (part_rows clips, distinct_rows skips).
struct RowMap {
  std::int64_t scale = 1; // +1 or -1
  std::int64_t offset = 0;

  std::int64_t row(std::int64_t key) const { return scale * key + offset; }
  bool operator==(const RowMap &o) const { return scale == o.scale && offset == o.offset; }
  bool operator!=(const RowMap &o) const { return !(*this == o); }
  // "row = key - 1", for messages.
  std::string str() const;
};

// Rows [begin, end) of an array.
struct RowRange {
  std::int64_t begin = 0;
  std::int64_t end = 0;
};

// The rows keys [begin, end) name under `map` (begin <= end): an interval, since scale is
// +1 or -1.
RowRange rows_of_keys(const RowMap &map, std::int64_t begin, std::int64_t end);

// One past the largest key >= 0 that names a row in [0, rows) under `map` (0 if none).
std::int64_t key_extent_of_rows(const RowMap &map, std::int64_t rows);

// The rows of an array of `rows` rows that part k of the key cut `key_bounds` owns: the
// rows its keys name, and the first and last parts (in key order) also the rows that no
// key of the cut names at their end of the array; clipped to [0, rows). The ranges are
// disjoint and cover [0, rows) (the images of adjacent key ranges are adjacent), so a
// layout of them gives every row one owner and the rows each key names to its part.
std::vector<RowRange> part_rows(const std::vector<std::int64_t> &key_bounds, const RowMap &map,
                                std::int64_t rows);

} // namespace weft::rt
