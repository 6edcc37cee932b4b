// relaxed with one process and two workers: updates through a Buffer are applied with the
// Buffer's apply function, each at most max_delay updates of its worker late.
#include <gtest/gtest.h>
#include <weft/rt/data_parallel.h>
#include <weft/rt/relaxed.h>

#include <cstdint>
#include <vector>

#include "rt_test_session.h"

namespace {

weft::SparseArray<int, 2> entries(int rows, int cols) {
  weft::SparseArray<int, 2> a;
  for (int n = 0; n < rows * cols; ++n) {
    const int m = (n * 7919) % (rows * cols);
    a.add({m / cols, m % cols}, m % 13 - 6);
  }
  return a;
}

TEST(RtRelaxed, BufferedIntegerUpdatesEqualTheSerialLoop) {
  const weft::SparseArray<int, 2> R = entries(50, 40);
  weft::DistArray<std::int64_t, 1> serial({50}), parallel({50});
  for (const auto &e : R)
    serial(e.key[0]) += e.value * (e.key[1] + 1);
  weft::Buffer<std::int64_t, 1> d(parallel, weft::apply_add, 64);
  weft::Accumulator<std::int64_t> count(0);
  weft::rt::relaxed(weft_test::session(), R, weft::rt::Footprint().buffer(d).reduce(count),
                    [&](const weft::Entry<int, 2> &e) {
                      d(e.key[0]) += e.value * (e.key[1] + 1);
                      count += 1;
                    });
  EXPECT_EQ(count.value(), R.size());
  EXPECT_EQ(weft::detail::RuntimeAccess::residency(parallel).pending, nullptr); // whole
  for (int u = 0; u < 50; ++u)
    EXPECT_EQ(parallel(u), serial(u)) << u;
}

TEST(RtRelaxed, TheBuffersApplyFunctionCombinesTheUpdates) {
  const weft::SparseArray<int, 2> R = entries(30, 30);
  weft::DistArray<int, 1> serial({30}), parallel({30});
  const auto keep_max = [](int &target, const int &update) { target = std::max(target, update); };
  for (const auto &e : R)
    keep_max(serial(e.key[1]), e.value * e.key[0]);
  weft::Buffer d(parallel, keep_max, 10);
  weft::rt::relaxed(weft_test::session(), R, weft::rt::Footprint().buffer(d),
                    [&](const weft::Entry<int, 2> &e) { d(e.key[1]) += e.value * e.key[0]; });
  for (int i = 0; i < 30; ++i)
    EXPECT_EQ(parallel(i), serial(i)) << i;
}

TEST(RtRelaxed, AnUpdateIsSeenAfterAtMostMaxDelayUpdatesOfItsWorker) {
  // Every iteration adds 1 to one counter and reads it first. Both workers run streams
  // of equal length, so at the k-th iteration of a stream, the flushed rounds are k / d
  // and the counter reads workers * d * (k / d).
  const std::int64_t d = 7, per_worker = 50, workers = weft_test::session().threads();
  weft::DistArray<std::int64_t, 1> counter({1});
  weft::DistArray<std::int64_t, 1> seen({per_worker * workers});
  weft::Buffer<std::int64_t, 1> add(counter, weft::apply_add, d);
  weft::rt::relaxed(weft_test::session(), weft::rt::IndexRange{0, per_worker * workers},
                    weft::rt::Footprint().buffer(add).read(counter), [&](std::int64_t i) {
                      seen(i) = counter(0);
                      add(0) += 1;
                    });
  EXPECT_EQ(counter(0), per_worker * workers);
  for (std::int64_t i = 0; i < per_worker * workers; ++i) {
    const std::int64_t k = i % per_worker;
    EXPECT_EQ(seen(i), workers * d * (k / d)) << i;
  }
}

TEST(RtRelaxed, DirectWritesArePartitionedLikePartition1D) {
  const weft::SparseArray<int, 2> R = entries(40, 25);
  weft::DistArray<std::int64_t, 1> rows_serial({40}), rows({40}), columns({25}),
      columns_serial({25});
  for (const auto &e : R) {
    rows_serial(e.key[0]) = rows_serial(e.key[0]) * 3 + e.value; // order-dependent per row
    columns_serial(e.key[1]) += e.value;
  }
  weft::Buffer<std::int64_t, 1> d(columns, weft::apply_add, 16);
  weft::rt::relaxed(weft_test::session(), R, weft::rt::Footprint().write(rows, 0).buffer(d),
                    [&](const weft::Entry<int, 2> &e) {
                      rows(e.key[0]) = rows(e.key[0]) * 3 + e.value;
                      d(e.key[1]) += e.value;
                    });
  for (int u = 0; u < 40; ++u)
    EXPECT_EQ(rows(u), rows_serial(u)) << u;
  for (int i = 0; i < 25; ++i)
    EXPECT_EQ(columns(i), columns_serial(i)) << i;
}

TEST(RtRelaxed, OtherExecutorsRejectBuffers) {
  const weft::SparseArray<int, 2> R = entries(5, 5);
  weft::DistArray<int, 1> A({5});
  weft::Buffer<int, 1> b(A, weft::apply_add, 1);
  EXPECT_THROW(weft::rt::data_parallel(weft_test::session(), R, weft::rt::Footprint().buffer(b),
                                       [&](const weft::Entry<int, 2> &) {}),
               weft::Error);
}

} // namespace
