// partition_1d with one process: iterations that share the partition key run one after
// another in R's order, so an order-dependent recurrence per row equals the serial loop.
#include <gtest/gtest.h>
#include <weft/rt/partition_1d.h>

#include <cstdint>
#include <string>

#include "rt_test_session.h"

namespace {

// Entries in a scrambled order, several per row.
weft::SparseArray<double, 2> scrambled(int rows, int cols) {
  weft::SparseArray<double, 2> a;
  for (int n = 0; n < rows * cols; ++n) {
    const int m = (n * 7919) % (rows * cols);
    if (m % 3 != 0)
      a.add({m / cols, m % cols}, 0.25 * (m % 11) - 1.0);
  }
  return a;
}

TEST(RtPartition1D, PerRowRecurrenceEqualsTheSerialLoopExactly) {
  const weft::SparseArray<double, 2> R = scrambled(500, 37);
  weft::DistArray<double, 1> serial({500}), parallel({500});
  const auto step = [](double x, const weft::Entry<double, 2> &e) {
    return x * 0.5 + e.value * (e.key[1] + 1);
  };
  for (const auto &e : R)
    serial(e.key[0]) = step(serial(e.key[0]), e);
  weft::rt::partition_1d(
      weft_test::session(), R, 0, weft::rt::Footprint().write(parallel, 0),
      [&](const weft::Entry<double, 2> &e) { parallel(e.key[0]) = step(parallel(e.key[0]), e); });
  for (int u = 0; u < 500; ++u)
    EXPECT_EQ(parallel(u), serial(u)) << "row " << u;
}

TEST(RtPartition1D, PartitionByTheSecondKeyDimension) {
  const weft::SparseArray<double, 2> R = scrambled(50, 400);
  weft::DistArray<double, 2> serial({400, 2}), parallel({400, 2});
  for (const auto &e : R)
    serial(e.key[1], 1) = serial(e.key[1], 1) * 0.9 + e.value;
  weft::Accumulator<std::int64_t> visits(0);
  weft::rt::partition_1d(weft_test::session(), R, 1,
                         weft::rt::Footprint().write(parallel, 1).reduce(visits),
                         [&](const weft::Entry<double, 2> &e) {
                           parallel(e.key[1], 1) = parallel(e.key[1], 1) * 0.9 + e.value;
                           visits += 1;
                         });
  EXPECT_EQ(visits.value(), R.size());
  for (int i = 0; i < 400; ++i)
    EXPECT_EQ(parallel(i, 1), serial(i, 1));
}

TEST(RtPartition1D, DenseRangeVisitsEveryIndexOnce) {
  weft::DistArray<int, 1> A({100});
  weft::rt::partition_1d(weft_test::session(), weft::rt::IndexRange{0, 100},
                         weft::rt::Footprint().write(A, 0),
                         [&](std::int64_t i) { A(i) += static_cast<int>(i) + 1; });
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(A(i), i + 1);
}

TEST(RtPartition1D, AWriteNotIndexedByThePartitionDimensionIsRejected) {
  const weft::SparseArray<double, 2> R = scrambled(10, 10);
  weft::DistArray<double, 1> A({10});
  try {
    weft::rt::partition_1d(weft_test::session(), R, 0, weft::rt::Footprint().write(A, 1),
                           [&](const weft::Entry<double, 2> &) {});
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_NE(std::string(e.what()).find("partitioned by dimension 0"), std::string::npos)
        << e.what();
  }
}

} // namespace
