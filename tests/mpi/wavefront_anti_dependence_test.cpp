// wavefront on several processes, run several times in a row over the same array, with
// a body that reads the next columns of its own and the next rows (anti dependences) as
// well as the previous row and columns (flow dependences). Between the runs no serial
// code touches the array, so under lazy materialization it stays partitioned: each run
// must still read the right neighbour's columns as the previous run left them. Every
// cell is compared with the serial loop nests; the values are integers, so exactly.
#include <gtest/gtest.h>
#include <weft/rt/data_parallel.h>
#include <weft/rt/wavefront.h>

#include <cstdint>
#include <vector>

#include "mpi_test_session.h"

namespace {

using weft_test::session;

// The serial result: a row-major copy of the array after `runs` runs of the loop nest
// over `space`, every run reading the array as the previous run left it.
template <class Cell>
std::vector<int> serial_runs(std::int64_t n, std::int64_t m, const weft::rt::Wavefront &space,
                             int runs, Cell cell) {
  weft::DistArray<int, 2> G({n, m});
  for (std::int64_t a = 0; a < n; ++a) {
    for (std::int64_t b = 0; b < m; ++b)
      G(a, b) = static_cast<int>((a * 7 + b * 3) % 11);
  }
  for (int t = 0; t < runs; ++t) {
    for (std::int64_t i = space.rows.begin; i < space.rows.end; ++i) {
      for (std::int64_t j = space.cols.begin; j < space.cols.end; ++j)
        cell(G, i, j);
    }
  }
  std::vector<int> out;
  for (std::int64_t a = 0; a < n; ++a) {
    for (std::int64_t b = 0; b < m; ++b)
      out.push_back(G(a, b));
  }
  return out;
}

// The same runs as wavefront loops, back to back; the array is read only at the end.
template <class Cell>
std::vector<int> wavefront_runs(std::int64_t n, std::int64_t m, const weft::rt::Wavefront &space,
                                int runs, Cell cell) {
  weft::DistArray<int, 2> G({n, m});
  for (std::int64_t a = 0; a < n; ++a) {
    for (std::int64_t b = 0; b < m; ++b)
      G(a, b) = static_cast<int>((a * 7 + b * 3) % 11);
  }
  for (int t = 0; t < runs; ++t) {
    weft::rt::wavefront(session(), space, weft::rt::Footprint().write(G, 0),
                        [&](std::int64_t i, std::int64_t j) { cell(G, i, j); });
  }
  std::vector<int> out;
  for (std::int64_t a = 0; a < n; ++a) {
    for (std::int64_t b = 0; b < m; ++b)
      out.push_back(G(a, b));
  }
  return out;
}

// G(i, j) from the next column (anti (0, 1)), the previous row (flow (1, 0)) and itself.
void next_column_and_previous_row(weft::DistArray<int, 2> &G, std::int64_t i, std::int64_t j) {
  G(i, j) = (G(i, j + 1) + G(i - 1, j) + G(i, j) + 1) % 7;
}

TEST(WavefrontAntiDependence, ConsecutiveRunsReadingTheNextColumnEqualTheSerialLoops) {
  const std::int64_t n = 6, m = 8;
  const weft::rt::Wavefront space{{1, n - 1}, {1, m - 1}, 1, 1};
  for (int runs : {1, 2, 3}) {
    EXPECT_EQ(wavefront_runs(n, m, space, runs, next_column_and_previous_row),
              serial_runs(n, m, space, runs, next_column_and_previous_row))
        << runs << " runs";
  }
}

TEST(WavefrontAntiDependence, ManyRowBlocksAndUnevenColumnsOverFourRunsEqualTheSerialLoops) {
  const std::int64_t n = 203, m = 61;
  const weft::rt::Wavefront space{{1, n - 1}, {1, m - 1}, 1, 1};
  EXPECT_EQ(wavefront_runs(n, m, space, 4, next_column_and_previous_row),
            serial_runs(n, m, space, 4, next_column_and_previous_row));
}

TEST(WavefrontAntiDependence, ReadsTwoColumnsAheadAndOneRowBelowOverThreeRunsEqualTheSerialLoops) {
  // Anti (0, 1), (0, 2), (1, 1), (1, 2); flow (1, 0), (2, 0), (0, 2), (1, 1).
  const auto cell = [](weft::DistArray<int, 2> &G, std::int64_t i, std::int64_t j) {
    G(i, j) = (G(i, j + 1) + 2 * G(i, j + 2) + 3 * G(i + 1, j + 1) + G(i + 1, j + 2) + G(i - 1, j) +
               G(i - 2, j) + G(i, j - 2) + G(i - 1, j - 1) + 1) %
              13;
  };
  const std::int64_t n = 90, m = 47;
  const weft::rt::Wavefront space{{2, n - 1}, {2, m - 2}, 2, 2};
  EXPECT_EQ(wavefront_runs(n, m, space, 3, cell), serial_runs(n, m, space, 3, cell));
}

TEST(WavefrontAntiDependence, ARunAfterARowPartitionedLoopReadsTheCurrentNextColumn) {
  // A data-parallel loop leaves the array partitioned by rows; the wavefront's layout
  // covers the whole array, so only the parts that change owner move before it.
  const std::int64_t n = 40, m = 30;
  const auto cell = [m](weft::DistArray<int, 2> &G, std::int64_t i, std::int64_t j) {
    G(i, j) = ((j + 1 < m ? G(i, j + 1) : 5) + (i > 0 ? G(i - 1, j) : 3) + G(i, j) + 1) % 7;
  };
  const weft::rt::Wavefront space{{0, n}, {0, m}, 1, 1};
  weft::DistArray<int, 2> expected({n, m}), G({n, m});
  for (auto *A : {&expected, &G}) {
    for (std::int64_t a = 0; a < n; ++a) {
      for (std::int64_t b = 0; b < m; ++b)
        (*A)(a, b) = static_cast<int>((a + 2 * b) % 5);
    }
  }
  for (std::int64_t a = 0; a < n; ++a) {
    for (std::int64_t b = 0; b < m; ++b)
      expected(a, b) = (expected(a, b) * 3 + static_cast<int>(b)) % 9;
  }
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < m; ++j)
      cell(expected, i, j);
  }
  weft::rt::data_parallel(session(), weft::rt::IndexRange{0, n}, weft::rt::Footprint().write(G, 0),
                          [&](std::int64_t a) {
                            for (std::int64_t b = 0; b < m; ++b)
                              G(a, b) = (G(a, b) * 3 + static_cast<int>(b)) % 9;
                          });
  weft::rt::wavefront(session(), space, weft::rt::Footprint().write(G, 0),
                      [&](std::int64_t i, std::int64_t j) { cell(G, i, j); });
  for (std::int64_t a = 0; a < n; ++a) {
    for (std::int64_t b = 0; b < m; ++b)
      ASSERT_EQ(G(a, b), expected(a, b)) << "at (" << a << ", " << b << ")";
  }
}

TEST(WavefrontAntiDependence, TwoWrittenArraysOverTwoRunsEqualTheSerialLoops) {
  const std::int64_t n = 50, m = 33;
  const weft::rt::Wavefront space{{1, n - 1}, {1, m - 1}, 1, 1};
  weft::DistArray<int, 2> A({n, m}), B({n, m}), eA({n, m}), eB({n, m});
  for (std::int64_t a = 0; a < n; ++a) {
    for (std::int64_t b = 0; b < m; ++b) {
      A(a, b) = eA(a, b) = static_cast<int>((a + b) % 4);
      B(a, b) = eB(a, b) = static_cast<int>((3 * a + b) % 5);
    }
  }
  const auto cell = [](weft::DistArray<int, 2> &X, weft::DistArray<int, 2> &Y, std::int64_t i,
                       std::int64_t j) {
    X(i, j) = (X(i, j + 1) + Y(i, j + 1) + X(i - 1, j) + 1) % 7;
    Y(i, j) = (Y(i, j + 1) + X(i, j) + Y(i - 1, j) + 2) % 9;
  };
  for (int t = 0; t < 2; ++t) {
    for (std::int64_t i = space.rows.begin; i < space.rows.end; ++i) {
      for (std::int64_t j = space.cols.begin; j < space.cols.end; ++j)
        cell(eA, eB, i, j);
    }
    weft::rt::wavefront(session(), space, weft::rt::Footprint().write(A, 0).write(B, 0),
                        [&](std::int64_t i, std::int64_t j) { cell(A, B, i, j); });
  }
  for (std::int64_t a = 0; a < n; ++a) {
    for (std::int64_t b = 0; b < m; ++b) {
      ASSERT_EQ(A(a, b), eA(a, b)) << "A at (" << a << ", " << b << ")";
      ASSERT_EQ(B(a, b), eB(a, b)) << "B at (" << a << ", " << b << ")";
    }
  }
}

} // namespace
