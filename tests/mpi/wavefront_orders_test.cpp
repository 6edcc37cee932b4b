// wavefront on several processes over nests the executor runs in other orders than up
// and left: loops that count down (rows, columns, both), triangular nests, skewed
// dependences (a row reads the next columns of the row above and the previous columns of
// the row below), and these combined. Each nest runs twice back to back (the second
// run over the array the first left partitioned) and every cell is compared bit for bit
// with the serial loops; the values are doubles from operations that do not commute, so
// any iteration that reads a value other than the serial one shows.
#include <gtest/gtest.h>
#include <weft/rt/wavefront.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "mpi_test_session.h"

namespace {

using weft::rt::IndexRange;
using weft::rt::Order;
using weft::rt::Wavefront;
using weft_test::session;
using Grid = weft::DistArray<double, 2>;

void fill(Grid &G) {
  for (std::int64_t a = 0; a < G.shape()[0]; ++a) {
    for (std::int64_t b = 0; b < G.shape()[1]; ++b)
      G(a, b) = static_cast<double>((a * 7 + b * 3) % 11) / 3.0;
  }
}

// The serial loops over `space` in its orders, row i over cols_of(i).
template <class ColsOf, class Cell>
void serial(Grid &G, const Wavefront &space, ColsOf cols_of, Cell cell) {
  const bool up = space.row_order == Order::Ascending, right = space.col_order == Order::Ascending;
  for (std::int64_t n = 0; n < space.rows.end - space.rows.begin; ++n) {
    const std::int64_t i = up ? space.rows.begin + n : space.rows.end - 1 - n;
    const IndexRange c = cols_of(i);
    for (std::int64_t k = 0; k < c.end - c.begin; ++k)
      cell(G, i, right ? c.begin + k : c.end - 1 - k);
  }
}

// Two runs of the serial loops and of the wavefront, each from the same array.
template <class ColsOf, class Cell>
void matches(std::int64_t n, std::int64_t m, const Wavefront &space, ColsOf cols_of, Cell cell) {
  Grid expected({n, m}), actual({n, m});
  fill(expected);
  fill(actual);
  for (int run = 0; run < 2; ++run) {
    serial(expected, space, cols_of, cell);
    weft::rt::wavefront(session(), space, cols_of, weft::rt::Footprint().write(actual, 0),
                        [&](std::int64_t i, std::int64_t j) { cell(actual, i, j); });
  }
  ASSERT_EQ(
      std::memcmp(expected.data(), actual.data(), sizeof(double) * static_cast<std::size_t>(n * m)),
      0);
}

template <class Cell>
void matches(std::int64_t n, std::int64_t m, const Wavefront &space, Cell cell) {
  const IndexRange cols = space.cols;
  matches(
      n, m, space, [cols](std::int64_t) { return cols; }, cell);
}

TEST(WavefrontOrders, RowsCountingDownReadTheRowBelow) {
  // for (i = n - 2; i >= 1; --i) for (j = 1; j < m - 1; ++j): flow from (i + 1, j),
  // (i, j - 1), (i + 1, j - 1); anti to (i - 1, j) and (i, j + 1).
  matches(120, 90, Wavefront{{1, 119}, {1, 89}, 1, 1, 0, Order::Descending, Order::Ascending},
          [](Grid &G, std::int64_t i, std::int64_t j) {
            G(i, j) = (G(i + 1, j) * 0.5 + G(i, j - 1)) * 0.75 - G(i + 1, j - 1) / 3.0 +
                      G(i - 1, j) * 0.125 + G(i, j + 1) * 0.0625;
          });
}

TEST(WavefrontOrders, ColumnsCountingDownReadTheColumnRight) {
  matches(80, 130, Wavefront{{1, 79}, {1, 129}, 1, 2, 0, Order::Ascending, Order::Descending},
          [](Grid &G, std::int64_t i, std::int64_t j) {
            G(i, j) = G(i - 1, j) * 0.5 + G(i, j + 1) / 3.0 - G(i - 1, j + 1) * 0.25 +
                      G(i, j - 1) * 0.125 + (j + 2 < 130 ? G(i, j + 2) : 1.0) / 7.0;
          });
}

TEST(WavefrontOrders, BothCountingDown) {
  matches(100, 100, Wavefront{{0, 99}, {0, 99}, 1, 1, 0, Order::Descending, Order::Descending},
          [](Grid &G, std::int64_t i, std::int64_t j) {
            G(i, j) = (G(i + 1, j) - G(i, j + 1)) / 3.0 + G(i + 1, j + 1) * 0.5 +
                      (i > 0 ? G(i - 1, j) : 0.0);
          });
}

TEST(WavefrontOrders, TriangleBelowTheDiagonal) {
  // for (i = 1; i < n; ++i) for (j = 1; j <= i; ++j)
  matches(
      150, 150, Wavefront{{1, 150}, {}},
      [](std::int64_t i) {
        return IndexRange{1, i + 1};
      },
      [](Grid &G, std::int64_t i, std::int64_t j) {
        G(i, j) = G(i - 1, j) * 0.5 + G(i, j - 1) / 3.0 + G(i - 1, j - 1) * 0.25;
      });
}

TEST(WavefrontOrders, TriangleAboveTheDiagonalCountingDown) {
  // for (i = n - 2; i >= 0; --i) for (j = n - 2; j >= i; --j)
  matches(
      140, 140, Wavefront{{0, 139}, {}, 1, 1, 0, Order::Descending, Order::Descending},
      [](std::int64_t i) {
        return IndexRange{i, 139};
      },
      [](Grid &G, std::int64_t i, std::int64_t j) {
        G(i, j) = G(i + 1, j) * 0.5 - G(i, j + 1) / 3.0 + G(i + 1, j + 1) * 0.25;
      });
}

TEST(WavefrontOrders, SkewedGaussSeidelReadsTheNextColumnOfTheRowAbove) {
  // A(i, j) from the new (i - 1, j + 1) and (i, j - 1), the old (i + 1, j - 1) and
  // (i, j + 1): distances (1, -1), (0, 1).
  matches(110, 120, Wavefront{{1, 109}, {1, 119}, 1, 1, 1},
          [](Grid &G, std::int64_t i, std::int64_t j) {
            G(i, j) =
                0.25 * (G(i - 1, j + 1) + G(i, j - 1) + G(i + 1, j - 1) * 0.5 + G(i, j + 1) / 3.0);
          });
}

TEST(WavefrontOrders, SkewReachingTwoColumnsAndTwoRows) {
  // (i - 1, j + 2) new, (i + 2, j - 2) old, (i - 2, j) new: distances (1, -2), (2, -2),
  // (2, 0), (0, 1).
  matches(90, 140, Wavefront{{2, 88}, {2, 138}, 2, 1, 2},
          [](Grid &G, std::int64_t i, std::int64_t j) {
            G(i, j) = G(i - 1, j + 2) * 0.5 + G(i + 2, j - 2) / 3.0 - G(i - 2, j) * 0.25 +
                      G(i, j - 1) / 7.0;
          });
}

TEST(WavefrontOrders, SkewedAndCountingDownInBothLoops) {
  // for (i = n - 2; i >= 1; --i) for (j = m - 2; j >= 1; --j): reads the new (i + 1, j - 1)
  // and the old (i - 1, j + 1).
  matches(100, 110, Wavefront{{1, 99}, {1, 109}, 1, 1, 1, Order::Descending, Order::Descending},
          [](Grid &G, std::int64_t i, std::int64_t j) {
            G(i, j) = G(i + 1, j - 1) * 0.5 + G(i - 1, j + 1) / 3.0 + G(i, j + 1) * 0.25;
          });
}

TEST(WavefrontOrders, RowsReachingBackToTheFirstRow) {
  // G(1, j - 1) from every row: distances (i - 1, 1), as many rows as the nest has; only
  // the columns' reach bounds the halos.
  matches(130, 100, Wavefront{{1, 129}, {1, 99}, 1, 1},
          [](Grid &G, std::int64_t i, std::int64_t j) {
            G(i, j) = G(i - 1, j) * 0.5 + G(1, j - 1) / 3.0 + G(i, j - 1) * 0.25;
          });
}

TEST(WavefrontOrders, SkewedRowsReachingBackToTheFirstRow) {
  // G(1, j + 1) from every row below: distances (i - 1, -1).
  matches(90, 120, Wavefront{{1, 89}, {1, 119}, 1, 1, 1},
          [](Grid &G, std::int64_t i, std::int64_t j) {
            G(i, j) = G(1, j + 1) * 0.5 + G(i, j - 1) / 3.0 + G(i - 1, j) * 0.25;
          });
}

TEST(WavefrontOrders, NarrowerThanTheProcessesWithSkew) {
  matches(60, 5, Wavefront{{1, 59}, {1, 4}, 1, 1, 1}, [](Grid &G, std::int64_t i, std::int64_t j) {
    G(i, j) = G(i - 1, j + 1) * 0.5 + G(i, j - 1) / 3.0;
  });
}

} // namespace
