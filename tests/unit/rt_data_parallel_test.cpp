// data_parallel with one process: every entry once, accumulators folded from per-worker
// partials starting at reduction_identity, written rows owned by the writer.
#include <gtest/gtest.h>
#include <weft/rt/data_parallel.h>

#include <cstdint>
#include <functional>

#include "rt_test_session.h"

namespace {

weft::SparseArray<int, 2> grid(int rows, int cols) {
  weft::SparseArray<int, 2> a;
  for (int u = 0; u < rows; ++u) {
    for (int i = (u * 7) % 3; i < cols; i += 3)
      a.add({u, i}, u * 100 + i);
  }
  return a;
}

TEST(RtDataParallel, AccumulatorsFoldEveryEntryWithTheirOperation) {
  const weft::SparseArray<int, 2> R = grid(300, 40);
  weft::Accumulator<std::int64_t> sum(5);
  weft::Accumulator<int, weft::Max<int>> largest(
      weft::reduction_identity<weft::Max<int>, int>::value());
  weft::Accumulator<int, weft::Min<int>> smallest(1000000);
  weft::Accumulator<double, std::multiplies<double>> product(2.0);
  weft::rt::data_parallel(
      weft_test::session(), R,
      weft::rt::Footprint().reduce(sum).reduce(largest).reduce(smallest).reduce(product),
      [&](const weft::Entry<int, 2> &e) {
        sum += e.value;
        largest += e.value;
        smallest += e.value;
        product += e.key[1] == 1 ? 1.5 : 1.0;
      });
  std::int64_t expected_sum = 5;
  int expected_max = 0, expected_min = 1000000;
  double expected_product = 2.0;
  for (const auto &e : R) {
    expected_sum += e.value;
    expected_max = std::max(expected_max, e.value);
    expected_min = std::min(expected_min, e.value);
    if (e.key[1] == 1)
      expected_product *= 1.5;
  }
  EXPECT_EQ(sum.value(), expected_sum);
  EXPECT_EQ(largest.value(), expected_max);
  EXPECT_EQ(smallest.value(), expected_min);
  EXPECT_DOUBLE_EQ(product.value(), expected_product);
}

TEST(RtDataParallel, DenseLoopWritesEveryIndexOnce) {
  weft::DistArray<double, 2> Y({1000, 3});
  weft::rt::data_parallel(weft_test::session(), weft::rt::IndexRange{10, 990},
                          weft::rt::Footprint().write(Y, 0), [&](std::int64_t i) {
                            for (int k = 0; k < 3; ++k)
                              Y(i, k) += static_cast<double>(i * k);
                          });
  for (std::int64_t i = 0; i < 1000; ++i) {
    for (int k = 0; k < 3; ++k)
      EXPECT_EQ(Y(i, k), i >= 10 && i < 990 ? static_cast<double>(i * k) : 0.0);
  }
}

TEST(RtDataParallel, SparseLoopWritingRowsOfOneKeyDimension) {
  const weft::SparseArray<int, 2> R = grid(200, 30);
  weft::DistArray<std::int64_t, 2> Y({200, 30});
  weft::rt::data_parallel(weft_test::session(), R, weft::rt::Footprint().write(Y, 0),
                          [&](const weft::Entry<int, 2> &e) { Y(e.key[0], e.key[1]) = e.value; });
  for (const auto &e : R)
    EXPECT_EQ(Y(e.key[0], e.key[1]), e.value);
}

TEST(RtDataParallel, WrittenArraysMustShareTheirKeyDimension) {
  const weft::SparseArray<int, 2> R = grid(10, 10);
  weft::DistArray<int, 1> A({10}), B({10});
  EXPECT_THROW(weft::rt::data_parallel(weft_test::session(), R,
                                       weft::rt::Footprint().write(A, 0).write(B, 1),
                                       [&](const weft::Entry<int, 2> &) {}),
               weft::Error);
}

} // namespace
