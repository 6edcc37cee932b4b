// wavefront on several processes: edit distance between random strings is bit-identical
// to the serial loop nest (every cell, not only the answer).
#include <gtest/gtest.h>
#include <weft/rt/wavefront.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "mpi_test_session.h"

namespace {

using weft_test::session;

std::string random_string(std::uint64_t seed, int length) {
  std::string s;
  for (int n = 0; n < length; ++n)
    s += static_cast<char>('a' + weft::detail::splitmix64_at(seed, n) % 4);
  return s;
}

template <class T>
void edit_distance_matches(const std::string &a, const std::string &b, T substitution) {
  const std::int64_t n = a.size(), m = b.size();
  weft::DistArray<T, 2> serial({n + 1, m + 1}), parallel({n + 1, m + 1});
  for (auto *D : {&serial, &parallel}) {
    for (std::int64_t i = 0; i <= n; ++i)
      (*D)(i, 0) = static_cast<T>(i);
    for (std::int64_t j = 0; j <= m; ++j)
      (*D)(0, j) = static_cast<T>(j);
  }
  const auto cell = [&](weft::DistArray<T, 2> &D, std::int64_t i, std::int64_t j) {
    D(i, j) = std::min({D(i - 1, j) + T(1), D(i, j - 1) + T(1),
                        D(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? T(0) : substitution)});
  };
  for (std::int64_t i = 1; i <= n; ++i) {
    for (std::int64_t j = 1; j <= m; ++j)
      cell(serial, i, j);
  }
  weft::rt::wavefront(session(), weft::rt::Wavefront{{1, n + 1}, {1, m + 1}},
                      weft::rt::Footprint().write(parallel, 0),
                      [&](std::int64_t i, std::int64_t j) { cell(parallel, i, j); });
  EXPECT_EQ(std::memcmp(serial.data(), parallel.data(),
                        sizeof(T) * static_cast<std::size_t>(serial.size())),
            0);
  EXPECT_EQ(parallel(n, m), serial(n, m));
}

TEST(Wavefront, EditDistanceIsBitIdenticalToTheSerialLoop) {
  edit_distance_matches<int>(random_string(1, 900), random_string(2, 700), 1);
}

TEST(Wavefront, WeightedEditDistanceInFloatingPointIsBitIdentical) {
  edit_distance_matches<double>(random_string(3, 500), random_string(4, 640), 1.37);
}

TEST(Wavefront, NarrowerThanTheProcessesAndRunTwice) {
  edit_distance_matches<int>(random_string(5, 50), random_string(6, 3), 1);
  edit_distance_matches<int>(random_string(7, 2), random_string(8, 40), 1);
}

TEST(Wavefront, ASecondRunOverThePartitionedTableMovesNoDataBetweenTheLoops) {
  const std::int64_t n = 200, m = 300;
  weft::DistArray<int, 2> D({n + 1, m + 1});
  for (std::int64_t j = 0; j <= m; ++j)
    D(0, j) = static_cast<int>(j);
  for (std::int64_t i = 0; i <= n; ++i)
    D(i, 0) = static_cast<int>(i);
  const auto body = [&](std::int64_t i, std::int64_t j) {
    D(i, j) = std::min(D(i - 1, j), D(i, j - 1)) + 1;
  };
  const weft::rt::Wavefront space{{1, n + 1}, {1, m + 1}};
  weft::rt::wavefront(session(), space, weft::rt::Footprint().write(D, 0), body);
  const weft::rt::Traffic before = session().traffic();
  weft::rt::wavefront(session(), space, weft::rt::Footprint().write(D, 0), body);
  const weft::rt::Traffic moved = session().traffic() - before;
  // Only the halos: inside the loop one message per row block to the right neighbour,
  // and at its start the process's first column of the loop's rows to the left one (the
  // table is partitioned, so the left neighbour's copy of that column, which a body may
  // read as the earlier loop left it, is stale). Never the table.
  if (session().options().lazy_materialize) {
    EXPECT_LE(moved.data_bytes, static_cast<std::int64_t>(2 * n * sizeof(int)));
  }
  EXPECT_EQ(D(n, m), static_cast<int>(n + m));
}

} // namespace
