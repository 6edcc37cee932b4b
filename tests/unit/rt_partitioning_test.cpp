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
  EXPECT_EQ(weft::rt::histogram_bounds(std::vector<std::int64_t>(8, 5), 4), (Bounds{0, 2, 4, 6, 8}));
}

TEST(RtPartitioning, HistogramPartsHoldAboutEqualCounts) {
  std::vector<std::int64_t> counts(1000);
  for (std::size_t i = 0; i < counts.size(); ++i) counts[i] = static_cast<std::int64_t>((i * 7919) % 13);
  const std::int64_t total = std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
  const Bounds b = weft::rt::histogram_bounds(counts, 7);
  ASSERT_EQ(b.size(), 8u);
  for (int k = 0; k < 7; ++k) {
    const std::int64_t part = std::accumulate(counts.begin() + b[k], counts.begin() + b[k + 1], std::int64_t{0});
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
  EXPECT_EQ(weft::rt::histogram_bounds_within(std::vector<std::int64_t>(10, 0), 4, 10, 2), (Bounds{4, 7, 10}));
}

}  // namespace
