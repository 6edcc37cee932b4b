// Keys that name rows through a RowMap (row = key - 1, row = n - 1 - key, ...), on several
// processes, for every executor that partitions rows by a key: partition_1d and
// data_parallel over entries and over an index range, relaxed with direct writes, and
// rotation_2d with the map on its space and on its time arrays. Each body applies an
// order-dependent recurrence to the rows it names (x = x / 2 + v), so a row written by
// two processes, or a row whose current copy the runtime looks for at the wrong process,
// gives a different number than the serial loop; the tests compare every element
// exactly, after the loop and after a second loop that reuses the layout.
#include <gtest/gtest.h>
#include <weft/rt/data_parallel.h>
#include <weft/rt/partition_1d.h>
#include <weft/rt/relaxed.h>
#include <weft/rt/rotation_2d.h>

#include <cstdint>
#include <string>

#include "mpi_test_session.h"

namespace {

using weft::rt::Footprint;
using weft::rt::RowMap;
using weft_test::session;

constexpr std::int64_t kUsers = 120, kItems = 90, kK = 3;

// Entries (u, i) with 1 <= u <= kUsers and 0 <= i < kItems, several per u and per i, in a
// scrambled order.
weft::SparseArray<double, 2> one_based_entries() {
  weft::SparseArray<double, 2> a;
  for (std::int64_t n = 0; n < kUsers * kItems; ++n) {
    const std::int64_t m = (n * 7919) % (kUsers * kItems);
    if (m % 4 == 1)
      a.add({1 + m / kItems, m % kItems}, 0.25 * static_cast<double>(m % 13) - 1.5);
  }
  return a;
}

double step(double x, const weft::Entry<double, 2> &e, std::int64_t k) {
  return x * 0.5 + e.value * static_cast<double>(e.key[1] + k + 1);
}

void expect_equal(const weft::DistArray<double, 2> &got, const weft::DistArray<double, 2> &want,
                  const std::string &what) {
  for (std::int64_t r = 0; r < want.shape()[0]; ++r) {
    for (std::int64_t k = 0; k < want.shape()[1]; ++k)
      ASSERT_EQ(got(r, k), want(r, k)) << what << " (" << r << ", " << k << ")";
  }
}

TEST(MpiRowMap, Partition1dOverOneBasedKeysEqualsTheSerialLoop) {
  const auto R = one_based_entries();
  weft::DistArray<double, 2> serial({kUsers, kK}), W({kUsers, kK});
  for (int epoch = 0; epoch < 2; ++epoch) {
    for (const auto &e : R) {
      for (std::int64_t k = 0; k < kK; ++k)
        serial(e.key[0] - 1, k) = step(serial(e.key[0] - 1, k), e, k);
    }
    weft::rt::partition_1d(session(), R, 0, Footprint().write(W, 0, RowMap{1, -1}),
                           [&](const weft::Entry<double, 2> &e) {
                             for (std::int64_t k = 0; k < kK; ++k)
                               W(e.key[0] - 1, k) = step(W(e.key[0] - 1, k), e, k);
                           });
    expect_equal(W, serial, "epoch " + std::to_string(epoch));
  }
}

TEST(MpiRowMap, DataParallelOverReversedKeysEqualsTheSerialLoop) {
  const auto R = one_based_entries();
  const std::int64_t n = kUsers; // row n - key: keys 1..n name rows n - 1..0
  weft::DistArray<double, 2> serial({kUsers, kK}), W({kUsers, kK});
  for (int epoch = 0; epoch < 2; ++epoch) {
    for (const auto &e : R) {
      for (std::int64_t k = 0; k < kK; ++k)
        serial(n - e.key[0], k) = step(serial(n - e.key[0], k), e, k);
    }
    weft::rt::data_parallel(session(), R, Footprint().write(W, 0, RowMap{-1, n}),
                            [&](const weft::Entry<double, 2> &e) {
                              for (std::int64_t k = 0; k < kK; ++k)
                                W(n - e.key[0], k) = step(W(n - e.key[0], k), e, k);
                            });
    expect_equal(W, serial, "epoch " + std::to_string(epoch));
  }
}

TEST(MpiRowMap, AReadThroughAReversedMapSeesTheRowsAnEarlierLoopWrote) {
  const auto R = one_based_entries();
  weft::DistArray<double, 2> W({kUsers, kK}), out({kItems, kK}), serial({kItems, kK});
  // W partitioned by the one-based key first; then a loop by key[1] reads W at row
  // kUsers - key[0] (another process's rows, copied in) and writes out by key[1].
  weft::rt::partition_1d(session(), R, 0, Footprint().write(W, 0, RowMap{1, -1}),
                         [&](const weft::Entry<double, 2> &e) {
                           for (std::int64_t k = 0; k < kK; ++k)
                             W(e.key[0] - 1, k) += e.value * static_cast<double>(k + 1);
                         });
  weft::DistArray<double, 2> W_serial({kUsers, kK});
  for (const auto &e : R) {
    for (std::int64_t k = 0; k < kK; ++k)
      W_serial(e.key[0] - 1, k) += e.value * static_cast<double>(k + 1);
  }
  for (const auto &e : R) {
    for (std::int64_t k = 0; k < kK; ++k)
      serial(e.key[1], k) = serial(e.key[1], k) * 0.5 + W_serial(kUsers - e.key[0], k);
  }
  weft::rt::partition_1d(session(), R, 1, Footprint().write(out, 1).read(W, 0, RowMap{-1, kUsers}),
                         [&](const weft::Entry<double, 2> &e) {
                           for (std::int64_t k = 0; k < kK; ++k)
                             out(e.key[1], k) = out(e.key[1], k) * 0.5 + W(kUsers - e.key[0], k);
                         });
  expect_equal(out, serial, "out");
}

TEST(MpiRowMap, DenseLoopsWriteReversedAndShiftedRows) {
  const std::int64_t n = 101;
  weft::DistArray<double, 2> A({n, 2}), B({n + 3, 2});
  for (std::int64_t i = 0; i < n; ++i)
    A(i, 1) = static_cast<double>(i);
  for (int epoch = 0; epoch < 2; ++epoch) {
    weft::rt::partition_1d(
        session(), weft::rt::IndexRange{0, n}, Footprint().write(A, 0, RowMap{-1, n - 1}),
        [&](std::int64_t i) { A(n - 1 - i, 0) = A(n - 1 - i, 0) * 0.5 + static_cast<double>(i); });
    weft::rt::data_parallel(session(), weft::rt::IndexRange{0, n},
                            Footprint().write(B, 0, RowMap{1, 3}).read(A, 0, RowMap{-1, n - 1}),
                            [&](std::int64_t i) { B(i + 3, 1) += A(n - 1 - i, 0); });
  }
  for (std::int64_t i = 0; i < n; ++i) {
    const double once = static_cast<double>(i), twice = once * 0.5 + once;
    ASSERT_EQ(A(n - 1 - i, 0), twice) << i;
    ASSERT_EQ(B(i + 3, 1), once + twice) << i;
  }
  for (std::int64_t r = 0; r < 3; ++r)
    ASSERT_EQ(B(r, 1), 0.0);
}

TEST(MpiRowMap, RelaxedWithDirectOneBasedWritesEqualsTheSerialLoop) {
  const auto R = one_based_entries();
  weft::DistArray<double, 2> serial({kUsers, kK}), W({kUsers, kK});
  weft::DistArray<double, 1> totals({kItems}), serial_totals({kItems});
  weft::Buffer<double, 1> dT(totals, weft::apply_add, 50);
  for (const auto &e : R) {
    for (std::int64_t k = 0; k < kK; ++k)
      serial(e.key[0] - 1, k) = step(serial(e.key[0] - 1, k), e, k);
    serial_totals(e.key[1]) += e.value;
  }
  weft::rt::relaxed(session(), R, Footprint().write(W, 0, RowMap{1, -1}).buffer(dT),
                    [&](const weft::Entry<double, 2> &e) {
                      for (std::int64_t k = 0; k < kK; ++k)
                        W(e.key[0] - 1, k) = step(W(e.key[0] - 1, k), e, k);
                      dT(e.key[1]) += e.value;
                    });
  expect_equal(W, serial, "W");
  for (std::int64_t i = 0; i < kItems; ++i)
    ASSERT_EQ(totals(i), serial_totals(i)) << i;
}

// rotation_2d runs the entries in its own order, so the body's updates commute here
// (sums of values with few bits, exact in any order): a row written by two processes, or
// a time row that the ring moves to the wrong place, loses or doubles updates.
TEST(MpiRowMap, Rotation2dWithMappedSpaceAndTimeRowsEqualsTheSerialSums) {
  const auto R = one_based_entries();
  // Space: W at row key[0] - 1; time: H at row kItems - 1 - key[1] (it rotates).
  weft::DistArray<double, 2> W({kUsers, kK}), H({kItems, kK}), Ws({kUsers, kK}), Hs({kItems, kK});
  const auto body = [](weft::DistArray<double, 2> &w, weft::DistArray<double, 2> &h,
                       const weft::Entry<double, 2> &e) {
    for (std::int64_t k = 0; k < kK; ++k) {
      w(e.key[0] - 1, k) += e.value * static_cast<double>(k + 1);
      h(kItems - 1 - e.key[1], k) += e.value * static_cast<double>(k + 2);
    }
  };
  for (int epoch = 0; epoch < 2; ++epoch) {
    for (const auto &e : R)
      body(Ws, Hs, e);
    weft::rt::rotation_2d(
        session(), R, 0, 1,
        Footprint().write(W, 0, RowMap{1, -1}).write(H, 1, RowMap{-1, kItems - 1}),
        [&](const weft::Entry<double, 2> &e) { body(W, H, e); });
    expect_equal(W, Ws, "W, epoch " + std::to_string(epoch));
    expect_equal(H, Hs, "H, epoch " + std::to_string(epoch));
  }
}

// A key may name a row outside the array when the body reaches that row only under a
// condition that excludes it (`if (u < n) W(u, k)`): every executor runs such a loop as
// the serial loop does, the rows outside in no layout and fetched by no process.
TEST(MpiRowMap, KeysWhoseRowsLieOutsideTheArrayRunGuardedAccessesAsTheSerialLoop) {
  const auto R = one_based_entries();
  // Keys run 1..kUsers: under the identity map key kUsers names row kUsers, one past the
  // last; under row = kUsers - 1 - key it names row -1.
  weft::DistArray<double, 2> serial({kUsers, kK}), W({kUsers, kK});
  for (const auto &e : R) {
    if (e.key[0] < kUsers)
      for (std::int64_t k = 0; k < kK; ++k)
        serial(e.key[0], k) = step(serial(e.key[0], k), e, k);
  }
  weft::rt::partition_1d(session(), R, 0, Footprint().write(W, 0), [&](const auto &e) {
    if (e.key[0] < kUsers)
      for (std::int64_t k = 0; k < kK; ++k)
        W(e.key[0], k) = step(W(e.key[0], k), e, k);
  });
  expect_equal(W, serial, "partition_1d, identity map");

  weft::DistArray<double, 2> reversed_serial({kUsers, kK}), reversed({kUsers, kK});
  for (const auto &e : R) {
    if (e.key[0] < kUsers)
      for (std::int64_t k = 0; k < kK; ++k)
        reversed_serial(kUsers - 1 - e.key[0], k) =
            step(reversed_serial(kUsers - 1 - e.key[0], k), e, k);
  }
  weft::rt::partition_1d(
      session(), R, 0, Footprint().write(reversed, 0, RowMap{-1, kUsers - 1}), [&](const auto &e) {
        if (e.key[0] < kUsers)
          for (std::int64_t k = 0; k < kK; ++k)
            reversed(kUsers - 1 - e.key[0], k) = step(reversed(kUsers - 1 - e.key[0], k), e, k);
      });
  expect_equal(reversed, reversed_serial, "partition_1d, reversed map");

  // Over an index range: row = i + 1 is one past the last for the last i; a keyed read of
  // an array one row shorter than the range.
  weft::DistArray<double, 2> shifted_serial({kUsers, kK}), shifted({kUsers, kK}),
      table({kUsers - 1, kK});
  for (std::int64_t r = 0; r + 1 < kUsers; ++r)
    for (std::int64_t k = 0; k < kK; ++k)
      table(r, k) = static_cast<double>(r * 3 + k);
  for (std::int64_t i = 0; i < kUsers; ++i)
    if (i + 1 < kUsers)
      for (std::int64_t k = 0; k < kK; ++k)
        shifted_serial(i + 1, k) = table(i, k) * 0.5;
  weft::rt::partition_1d(session(), weft::rt::IndexRange{0, kUsers},
                         Footprint().write(shifted, 0, RowMap{1, 1}).read(table, 0),
                         [&](std::int64_t i) {
                           if (i + 1 < kUsers)
                             for (std::int64_t k = 0; k < kK; ++k)
                               shifted(i + 1, k) = table(i, k) * 0.5;
                         });
  expect_equal(shifted, shifted_serial, "partition_1d over a range, row = key + 1");

  // rotation_2d: a time array one row short of the time keys.
  weft::DistArray<double, 2> H_serial({kItems - 1, kK}), H({kItems - 1, kK}),
      W2_serial({kUsers + 1, kK}), W2({kUsers + 1, kK});
  for (const auto &e : R) {
    if (e.key[1] < kItems - 1)
      for (std::int64_t k = 0; k < kK; ++k) {
        W2_serial(e.key[0], k) = step(W2_serial(e.key[0], k), e, k);
        H_serial(e.key[1], k) += W2_serial(e.key[0], k) * 0.0 + e.value;
      }
  }
  weft::rt::rotation_2d(session(), R, 0, 1, Footprint().write(W2, 0).write(H, 1),
                        [&](const weft::Entry<double, 2> &e) {
                          if (e.key[1] < kItems - 1)
                            for (std::int64_t k = 0; k < kK; ++k) {
                              W2(e.key[0], k) = step(W2(e.key[0], k), e, k);
                              H(e.key[1], k) += W2(e.key[0], k) * 0.0 + e.value;
                            }
                        });
  // The rotation reorders a row's updates, so W2 is not compared; H sums exact binary
  // fractions, whose sum does not depend on the order.
  expect_equal(H, H_serial, "rotation_2d, short time array");

  weft::DistArray<double, 2> Wf({kUsers, kK});
  try {
    Footprint().write(Wf, 0, RowMap{2, 0});
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_NE(std::string(e.what()).find("scale must be 1 or -1"), std::string::npos) << e.what();
  }
}

} // namespace
