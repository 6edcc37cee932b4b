// Range and histogram partitioning (Orion's skew handling).
#include <weft/rt/partitioning.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

namespace {

using Bounds = std::vector<std::int64_t>;

TEST(RtPartitioning, RangeBoundsSplitEvenly) {
  EXPECT_EQ(weft::rt::range_bounds(10, 3), (Bounds{0, 3, 6, 10}));
  EXPECT_EQ(weft::rt::range_bounds(2, 4), (Bounds{0, 0, 1, 1, 2}));
  EXPECT_EQ(weft::rt::range_bounds(0, 2), (Bounds{0, 0, 0}));
}

TEST(RtPartitioning, HistogramBoundsBalanceTheCountsOfSkewedData) {
  // Index 0 holds half of all entries: it gets a part of its own.
  const std::vector<std::int64_t> counts = {8, 1, 1, 1, 1, 1, 1, 1, 1};
  const Bounds b = weft::rt::histogram_bounds(counts, 2);
  EXPECT_EQ(b, (Bounds{0, 1, 9}));
  // Uniform counts: equal ranges.
  EXPECT_EQ(weft::rt::histogram_bounds(std::vector<std::int64_t>(8, 5), 4),
            (Bounds{0, 2, 4, 6, 8}));
}

TEST(RtPartitioning, HistogramPartsHoldAboutEqualCounts) {
  std::vector<std::int64_t> counts(1000);
  for (std::size_t i = 0; i < counts.size(); ++i)
    counts[i] = static_cast<std::int64_t>((i * 7919) % 13);
  const std::int64_t total = std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
  const Bounds b = weft::rt::histogram_bounds(counts, 7);
  ASSERT_EQ(b.size(), 8u);
  for (int k = 0; k < 7; ++k) {
    const std::int64_t part =
        std::accumulate(counts.begin() + b[k], counts.begin() + b[k + 1], std::int64_t{0});
    EXPECT_NEAR(static_cast<double>(part), static_cast<double>(total) / 7, 13.0) << "part " << k;
  }
}

TEST(RtPartitioning, AnIndexHeavierThanSeveralSharesLeavesEmptyPartsAndPartOfSkipsThem) {
  const Bounds b = weft::rt::histogram_bounds({0, 100, 0, 1}, 4);
  EXPECT_EQ(b.front(), 0);
  EXPECT_EQ(b.back(), 4);
  for (std::int64_t i = 0; i < 4; ++i) {
    const int k = weft::rt::part_of(b, i);
    EXPECT_LE(b[k], i);
    EXPECT_LT(i, b[k + 1]);
  }
}

TEST(RtPartitioning, ZeroCountsFallBackToRanges) {
  EXPECT_EQ(weft::rt::histogram_bounds(std::vector<std::int64_t>(6, 0), 3), (Bounds{0, 2, 4, 6}));
  EXPECT_EQ(weft::rt::histogram_bounds_within(std::vector<std::int64_t>(10, 0), 4, 10, 2),
            (Bounds{4, 7, 10}));
}

using weft::rt::RowMap;
using weft::rt::RowRange;

TEST(RtRowMap, RowsOfKeysAreTheImageOfTheKeyRange) {
  const RowRange one_based = weft::rt::rows_of_keys(RowMap{1, -1}, 1, 5);
  EXPECT_EQ(one_based.begin, 0);
  EXPECT_EQ(one_based.end, 4);
  // row = 9 - key: keys 2, 3, 4 name rows 7, 6, 5.
  const RowRange reversed = weft::rt::rows_of_keys(RowMap{-1, 9}, 2, 5);
  EXPECT_EQ(reversed.begin, 5);
  EXPECT_EQ(reversed.end, 8);
  EXPECT_EQ((RowMap{-1, 9}.row(4)), 5);
  EXPECT_EQ(RowMap{}.row(4), 4);
}

TEST(RtRowMap, KeyExtentCoversEveryKeyThatNamesARow) {
  EXPECT_EQ(weft::rt::key_extent_of_rows(RowMap{}, 10), 10);
  EXPECT_EQ(weft::rt::key_extent_of_rows(RowMap{1, -1}, 10), 11); // keys 1..10
  EXPECT_EQ(weft::rt::key_extent_of_rows(RowMap{-1, 9}, 10), 10); // keys 0..9
  EXPECT_EQ(weft::rt::key_extent_of_rows(RowMap{1, 20}, 10), 0);  // no key >= 0
}

TEST(RtRowMap, DescribesItselfAsAFormula) {
  EXPECT_EQ(RowMap{}.str(), "row = key");
  EXPECT_EQ((RowMap{1, -1}.str()), "row = key - 1");
  EXPECT_EQ((RowMap{1, 3}.str()), "row = key + 3");
  EXPECT_EQ((RowMap{-1, 9}.str()), "row = 9 - key");
}

// Every row in [0, rows) lies in exactly one part, and every key of a part names a row
// of that part (or none of the array).
void expect_parts_cover_and_own_their_keys(const Bounds &keys, const RowMap &map,
                                           std::int64_t rows) {
  const std::vector<RowRange> parts = weft::rt::part_rows(keys, map, rows);
  ASSERT_EQ(parts.size() + 1, keys.size());
  for (std::int64_t r = 0; r < rows; ++r) {
    int owners = 0;
    for (const RowRange &p : parts)
      owners += p.begin <= r && r < p.end;
    EXPECT_EQ(owners, 1) << "row " << r << " under " << map.str();
  }
  for (std::size_t k = 0; k < parts.size(); ++k) {
    for (std::int64_t key = keys[k]; key < keys[k + 1]; ++key) {
      const std::int64_t r = map.row(key);
      if (r < 0 || r >= rows)
        continue;
      EXPECT_TRUE(parts[k].begin <= r && r < parts[k].end)
          << "key " << key << " under " << map.str();
    }
  }
}

TEST(RtRowMap, PartRowsOfTheIdentityAreTheKeyRanges) {
  const std::vector<RowRange> parts = weft::rt::part_rows(Bounds{0, 3, 6, 12}, RowMap{}, 10);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].begin, 0);
  EXPECT_EQ(parts[0].end, 3);
  EXPECT_EQ(parts[2].begin, 6);
  EXPECT_EQ(parts[2].end, 10);
  expect_parts_cover_and_own_their_keys(Bounds{0, 3, 6, 12}, RowMap{}, 10);
}

TEST(RtRowMap, PartRowsOfAOneBasedKeyShiftDown) {
  const std::vector<RowRange> parts = weft::rt::part_rows(Bounds{0, 4, 7, 11}, RowMap{1, -1}, 10);
  EXPECT_EQ(parts[0].begin, 0);
  EXPECT_EQ(parts[0].end, 3); // keys 1, 2, 3
  EXPECT_EQ(parts[1].begin, 3);
  EXPECT_EQ(parts[1].end, 6); // keys 4, 5, 6
  EXPECT_EQ(parts[2].end, 10);
  expect_parts_cover_and_own_their_keys(Bounds{0, 4, 7, 11}, RowMap{1, -1}, 10);
}

TEST(RtRowMap, PartRowsOfAReversedKeyRunBackwards) {
  // row = 9 - key: the first part (keys 0..2) owns the top rows 7..9.
  const std::vector<RowRange> parts = weft::rt::part_rows(Bounds{0, 3, 5, 10}, RowMap{-1, 9}, 10);
  EXPECT_EQ(parts[0].begin, 7);
  EXPECT_EQ(parts[0].end, 10);
  EXPECT_EQ(parts[1].begin, 5);
  EXPECT_EQ(parts[1].end, 7);
  EXPECT_EQ(parts[2].begin, 0);
  EXPECT_EQ(parts[2].end, 5);
  expect_parts_cover_and_own_their_keys(Bounds{0, 3, 5, 10}, RowMap{-1, 9}, 10);
}

TEST(RtRowMap, PartRowsCoverTheArrayForAnyCut) {
  for (const RowMap &map :
       {RowMap{}, RowMap{1, -1}, RowMap{1, 2}, RowMap{-1, 9}, RowMap{-1, 12}, RowMap{-1, 4}}) {
    expect_parts_cover_and_own_their_keys(Bounds{0, 0, 2, 2, 7, 13}, map, 10);
    expect_parts_cover_and_own_their_keys(Bounds{0, 13}, map, 10);
    expect_parts_cover_and_own_their_keys(Bounds{0, 5, 5, 5}, map, 10);
  }
}

} // namespace
