// The memory model (docs/design.md) on several processes: a loop leaves the arrays it
// writes partitioned, the first serial access makes them whole (an allgather), a loop
// with the same partitioning moves no data, another partitioning moves only the parts
// that change owner, and reads of rows owned elsewhere are fetched before the loop.
#include <gtest/gtest.h>
#include <weft/rt/data_parallel.h>
#include <weft/rt/partition_1d.h>
#include <weft/rt/rotation_2d.h>

#include <cstdint>
#include <string>
#include <vector>

#include "mpi_test_session.h"

namespace {

using weft_test::session;
constexpr int K = 4;

// Rows u in [0, n), skewed: row u has 1 + u % 7 entries.
weft::SparseArray<int, 2> skewed(int n, int cols) {
  weft::SparseArray<int, 2> a;
  for (int u = 0; u < n; ++u) {
    for (int j = 0; j <= u % 7; ++j)
      a.add({u, (u * 13 + j * 5) % cols}, u + j);
  }
  return a;
}

void write_rows(const weft::SparseArray<int, 2> &R, weft::DistArray<float, 2> &W, int salt) {
  weft::rt::partition_1d(session(), R, 0, weft::rt::Footprint().write(W, 0),
                         [&](const weft::Entry<int, 2> &e) {
                           for (int k = 0; k < K; ++k)
                             W(e.key[0], k) += static_cast<float>(e.value * K + k + salt);
                         });
}

float expected_row_sum(const weft::SparseArray<int, 2> &R, std::int64_t u, int k, int salts) {
  float sum = 0;
  for (int s = 0; s < salts; ++s) {
    for (const auto &e : R) {
      if (e.key[0] == u)
        sum += static_cast<float>(e.value * K + k + s);
    }
  }
  return sum;
}

bool pending(const weft::DistArray<float, 2> &W) {
  return weft::detail::RuntimeAccess::residency(W).pending != nullptr;
}

// --weft-materialize=eager makes arrays whole at the end of every loop.
bool lazy() { return session().options().lazy_materialize; }

TEST(MemoryModel, TheFirstSerialAccessAfterALoopSeesEveryProcessesRows) {
  const weft::SparseArray<int, 2> R = skewed(400, 50);
  weft::DistArray<float, 2> W({400, K});
  write_rows(R, W, 0);
  EXPECT_EQ(pending(W), lazy());
  for (std::int64_t u = 0; u < 400; u += 13) {
    for (int k = 0; k < K; ++k)
      EXPECT_EQ(W(u, k), expected_row_sum(R, u, k, 1)) << u << "," << k;
  }
}

TEST(MemoryModel, ALoopWithTheSamePartitioningMovesNoData) {
  if (!lazy())
    GTEST_SKIP() << "eager materialization moves data after every loop";
  const weft::SparseArray<int, 2> R = skewed(1000, 50);
  weft::DistArray<float, 2> W({1000, K});
  write_rows(R, W, 0);
  const weft::rt::Traffic before = session().traffic();
  write_rows(R, W, 1);
  write_rows(R, W, 2);
  const weft::rt::Traffic between = session().traffic() - before;
  EXPECT_EQ(between.data_messages, 0);
  EXPECT_EQ(between.data_bytes, 0);
  EXPECT_EQ(between.control_messages, 0);
  // Making it whole: each process sends the rows it owns to each other process.
  const float w = W(999, 3);
  const weft::rt::Traffic gather = session().traffic() - before;
  EXPECT_EQ(gather.data_messages, session().size() - 1);
  std::int64_t total = gather.data_bytes;
  session().transport().allreduce_sum(&total, 1);
  EXPECT_EQ(total, static_cast<std::int64_t>(1000 * K * sizeof(float)) * (session().size() - 1));
  EXPECT_EQ(w, expected_row_sum(R, 999, 3, 3));
}

TEST(MemoryModel, AnotherPartitioningMovesOnlyThePartsThatChangeOwner) {
  const weft::SparseArray<int, 2> R = skewed(600, 50);
  // The same rows, balanced differently: all entries on rows >= 300.
  weft::SparseArray<int, 2> tail;
  for (int u = 300; u < 600; ++u)
    tail.add({u, 0}, u);
  const weft::SparseArray<int, 2> &T = tail;
  weft::DistArray<float, 2> W({600, K});
  write_rows(R, W, 0);
  const weft::rt::Traffic before = session().traffic();
  weft::rt::partition_1d(session(), T, 0, weft::rt::Footprint().write(W, 0),
                         [&](const weft::Entry<int, 2> &e) { W(e.key[0], 0) += 1.0f; });
  const weft::rt::Traffic moved = session().traffic() - before;
  std::int64_t bytes = moved.data_bytes;
  session().transport().allreduce_sum(&bytes, 1);
  if (session().size() == 1) {
    EXPECT_EQ(bytes, 0);
  } else if (lazy()) {
    EXPECT_LT(bytes, static_cast<std::int64_t>(600 * K * sizeof(float)) * (session().size() - 1));
  }
  for (std::int64_t u = 0; u < 600; u += 7) {
    EXPECT_EQ(W(u, 0), expected_row_sum(R, u, 0, 1) + (u >= 300 ? 1.0f : 0.0f)) << u;
    EXPECT_EQ(W(u, 1), expected_row_sum(R, u, 1, 1)) << u;
  }
}

TEST(MemoryModel, RowsOwnedElsewhereArePrefetchedForALoopThatReadsThem) {
  const weft::SparseArray<int, 2> R = skewed(500, 40);
  weft::DistArray<float, 2> W({500, K});
  write_rows(R, W, 0);
  // A loop partitioned by the second key dimension reads W's rows by the first.
  weft::DistArray<double, 1> column_sums({40});
  weft::rt::partition_1d(
      session(), R, 1, weft::rt::Footprint().write(column_sums, 1).read(W, 0),
      [&](const weft::Entry<int, 2> &e) { column_sums(e.key[1]) += W(e.key[0], 1); });
  EXPECT_EQ(pending(W), lazy()); // still partitioned: only rows were copied
  std::vector<double> expected(40, 0.0);
  for (const auto &e : R)
    expected[static_cast<std::size_t>(e.key[1])] += W(e.key[0], 1);
  for (int i = 0; i < 40; ++i)
    EXPECT_EQ(column_sums(i), expected[static_cast<std::size_t>(i)]) << i;
}

TEST(MemoryModel, ARotationMovesOnlyItsTimePartitionsAroundTheRing) {
  if (!lazy())
    GTEST_SKIP() << "eager materialization moves data after every loop";
  weft::SparseArray<int, 2> entries;
  for (int n = 0; n < 5000; ++n)
    entries.add({(n * 7) % 300, (n * 13) % 200}, 1);
  const weft::SparseArray<int, 2> &R = entries;
  weft::DistArray<float, 2> W({300, K}), H({200, K});
  const auto epoch = [&] {
    weft::rt::rotation_2d(session(), R, 0, 1, weft::rt::Footprint().write(W, 0).write(H, 1),
                          [&](const weft::Entry<int, 2> &e) {
                            W(e.key[0], 0) += 1.0f;
                            H(e.key[1], 0) += 1.0f;
                          });
  };
  epoch();
  const weft::rt::Traffic before = session().traffic();
  epoch();
  std::int64_t bytes = (session().traffic() - before).data_bytes;
  session().transport().allreduce_sum(&bytes, 1);
  // Every partition of H visits every process once and returns home: P times H's bytes,
  // nothing for W, and nothing to prepare the second loop.
  const std::int64_t h_bytes = 200 * K * static_cast<std::int64_t>(sizeof(float));
  EXPECT_EQ(bytes, session().size() > 1 ? session().size() * h_bytes : 0);
  EXPECT_EQ(H(7, 0), [&] {
    float c = 0;
    for (const auto &e : R)
      c += e.key[1] == 7 ? 2.0f : 0.0f;
    return c;
  }());
}

// A loop's plan lists the rows it reads of each array; a later loop over the same entries
// and of the same form reads another array, with more rows: its plan is not the earlier
// one (whose list left out the rows the shorter array lacks), so every row it reads is
// fetched (lazy materialization leaves the array partitioned between the loops).
void check_reads_of_a_longer_array(bool rotation) {
  const weft::SparseArray<int, 2> R = skewed(300, 160);
  constexpr int kShort = 90;
  weft::DistArray<float, 2> H2({160, K}), H1({kShort, K}), W({300, K}), G({160, K});
  for (int i = 0; i < kShort; ++i)
    H1(i, 0) = 1.0f;
  // H2 partitioned by key[1].
  weft::rt::partition_1d(session(), R, 1, weft::rt::Footprint().write(H2, 1),
                         [&](const weft::Entry<int, 2> &e) { H2(e.key[1], 0) += 1.0f; });
  const auto loop = [&](const weft::DistArray<float, 2> &H, bool guarded) {
    const auto body = [&](const weft::Entry<int, 2> &e) {
      if (!guarded || e.key[1] < kShort)
        W(e.key[0], 0) += H(e.key[1], 0);
      if (rotation)
        G(e.key[1], 0) += 1.0f;
    };
    if (rotation) {
      weft::rt::rotation_2d(session(), R, 0, 1,
                            weft::rt::Footprint().write(W, 0).write(G, 1).read(H, 1), body);
    } else {
      weft::rt::partition_1d(session(), R, 0, weft::rt::Footprint().write(W, 0).read(H, 1), body);
    }
  };
  loop(H1, true);
  loop(H2, false);
  std::vector<float> column(160, 0.0f), expected(300, 0.0f);
  for (const auto &e : R)
    column[static_cast<std::size_t>(e.key[1])] += 1.0f;
  for (const auto &e : R) {
    const auto u = static_cast<std::size_t>(e.key[0]), i = static_cast<std::size_t>(e.key[1]);
    expected[u] += (i < kShort ? 1.0f : 0.0f) + column[i];
  }
  for (int u = 0; u < 300; ++u)
    ASSERT_EQ(W(u, 0), expected[static_cast<std::size_t>(u)]) << "row " << u;
}

TEST(MemoryModel, APartitionedLoopReadingALongerArrayFetchesItsOwnRows) {
  check_reads_of_a_longer_array(false);
}

TEST(MemoryModel, ARotationReadingALongerArrayFetchesItsOwnRows) {
  check_reads_of_a_longer_array(true);
}

TEST(MemoryModel, AccumulatorsFoldOverProcesses) {
  const weft::SparseArray<int, 2> R = skewed(300, 20);
  weft::Accumulator<std::int64_t> sum(0);
  weft::Accumulator<int, weft::Max<int>> largest(-1);
  weft::rt::data_parallel(session(), R, weft::rt::Footprint().reduce(sum).reduce(largest),
                          [&](const weft::Entry<int, 2> &e) {
                            sum += e.value;
                            largest += e.value;
                          });
  std::int64_t expected = 0;
  int expected_max = -1;
  for (const auto &e : R) {
    expected += e.value;
    expected_max = std::max(expected_max, e.value);
  }
  EXPECT_EQ(sum.value(), expected);
  EXPECT_EQ(largest.value(), expected_max);
}

TEST(MemoryModel, DenseLoopsPartitionByTheLoopIndex) {
  weft::DistArray<float, 2> A({777, K});
  weft::rt::data_parallel(session(), weft::rt::IndexRange{0, 777},
                          weft::rt::Footprint().write(A, 0),
                          [&](std::int64_t i) { A(i, 2) = static_cast<float>(i); });
  float sum = 0;
  for (int i = 0; i < 777; ++i)
    sum += A(i, 2);
  EXPECT_EQ(sum, 777.0f * 776 / 2);
}

// Serial code that fills an array from something that differs between processes (here
// the rank, as std::random_device or the clock would) leaves copies that no loop can
// reconcile: the array's first loop, written or only read, is an error on every process
// that says so. Arrays every process filled alike pass.
TEST(MemoryModel, ArraysThatDifferBetweenProcessesBeforeTheirFirstLoopAreAnErrorEverywhere) {
  weft::DistArray<float, 2> same({50, K}), read_only({50, K}), written({50, K}), out({50, K});
  same.fill(1.0f);
  read_only.fill(1.0f);
  written.fill(1.0f);
  read_only(7, 1) = static_cast<float>(session().rank()); // differs unless alone
  written(3, 0) = static_cast<float>(session().rank());
  const auto copy = [&](weft::DistArray<float, 2> &from, weft::DistArray<float, 2> &to) {
    weft::rt::data_parallel(session(), weft::rt::IndexRange{0, 50},
                            weft::rt::Footprint().write(to, 0).read(from), [&](std::int64_t i) {
                              for (int k = 0; k < K; ++k)
                                to(i, k) = from(i, k);
                            });
  };
  EXPECT_NO_THROW(copy(same, out));
  for (weft::DistArray<float, 2> *bad : {&read_only, &written}) {
    if (session().size() == 1) {
      EXPECT_NO_THROW(bad == &written ? copy(same, *bad) : copy(*bad, out));
      continue;
    }
    try {
      bad == &written ? copy(same, *bad) : copy(*bad, out);
      ADD_FAILURE() << "no error for the array that differs";
    } catch (const weft::Error &e) {
      EXPECT_NE(std::string(e.what()).find("the DistArray of shape (50, 4) holds different "
                                           "values on different processes before its first "
                                           "parallel loop"),
                std::string::npos)
          << e.what();
    }
  }
}

} // namespace
