// The plan of rotation_2d on several processes, checked against the schedule that
// weft/rt/rotation_2d.h defines: every entry on exactly one process, in the block of its
// space band and time sub-range, the entries of a block tile by tile (space tile major)
// and in R's order within a tile. For an array that is whole on every process and for
// one that is sliced (rt::load_triples), with one worker and with two.
#include <gtest/gtest.h>
#include <weft/rt/rotation_2d.h>
#include <weft/rt/sparse.h>

#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "mpi_test_session.h"

namespace {

using weft_test::session;

constexpr int kRows = 900, kCols = 700;

// Ratings on a skewed key distribution (low keys more often), as text lines.
std::string ratings_text(int count) {
  std::string text;
  std::vector<char> used(static_cast<std::size_t>(kRows) * kCols, 0);
  for (std::uint64_t n = 0, made = 0; made < static_cast<std::uint64_t>(count); ++n) {
    const std::uint64_t x = weft::detail::splitmix64_at(5, n);
    const std::uint64_t u = (x % kRows) * ((x >> 20) % kRows) / kRows, i = (x >> 32) % kCols;
    if (used[u * kCols + i]++)
      continue;
    text += std::to_string(u) + " " + std::to_string(i) + " 1\n";
    ++made;
  }
  return text;
}

// Checks the plan that `s` makes for R against the schedule; `all` is R's entries in
// order (whole on every process); `expected_tile`: rows per tile, 0 for any the grid's
// cap may have made of 128. The checks of one process stop at its first failure;
// the collective part at the end runs on every process whatever they found.
void check_plan(weft::rt::Session &s, const weft::SparseArray<float, 2> &R,
                const std::vector<weft::Entry<float, 2>> &all, std::int64_t expected_tile) {
  // Rows of 1 KiB: tiles of 128 rows with the default 256 KiB cache budget, so that the
  // bands hold several tiles in both dimensions.
  weft::DistArray<float, 2> W({kRows, 256}), H({kCols, 256});
  const weft::rt::Footprint footprint = weft::rt::Footprint().write(W, 0).write(H, 1);
  const auto plan = weft::rt::rotation_detail::make_plan(s, R, 0, 1, footprint);
  const weft::rt::rotation_detail::Schedule &sc = plan->schedule;
  const auto check_blocks = [&] {
    if (expected_tile > 0) {
      ASSERT_EQ(sc.space_tile, expected_tile);
    } else { // grown from 128 rows, as tile_grid's test checks
      ASSERT_EQ(sc.space_tile % 128, 0);
    }
    ASSERT_EQ(sc.time_tile, sc.space_tile);

    std::unordered_map<std::int64_t, std::int64_t> index_of; // key -> position in R
    for (std::size_t n = 0; n < all.size(); ++n)
      index_of[all[n].key[0] * kCols + all[n].key[1]] = static_cast<std::int64_t>(n);
    const int me = s.rank();
    ASSERT_EQ(plan->block_offsets.size(),
              static_cast<std::size_t>(sc.partitions() * sc.workers * sc.workers) + 1);
    EXPECT_EQ(plan->block_offsets.front(), 0);
    EXPECT_EQ(plan->block_offsets.back(), static_cast<std::int64_t>(plan->size()));
    EXPECT_EQ(sc.worker_space_bounds.front(), sc.space_bounds[me]);
    EXPECT_EQ(sc.worker_space_bounds.back(), sc.space_bounds[me + 1]);
    for (int q = 0; q < sc.partitions(); ++q) {
      for (int a = 0; a < sc.workers; ++a) {
        for (int b = 0; b < sc.workers; ++b) {
          const std::size_t k = sc.block(q, a, b);
          const auto &wtb = sc.worker_time_bounds[static_cast<std::size_t>(q)];
          std::tuple<std::int64_t, std::int64_t, std::int64_t> previous{
              -1, -1, -1}; // space tile, time tile, index
          for (std::int64_t n = plan->block_offsets[k]; n < plan->block_offsets[k + 1]; ++n) {
            const weft::Entry<float, 2> e = plan->entry(static_cast<std::size_t>(n));
            const std::int64_t u = e.key[0], t = e.key[1];
            ASSERT_TRUE(u >= sc.worker_space_bounds[a] && u < sc.worker_space_bounds[a + 1])
                << "entry (" << u << ", " << t << ") in block (" << q << ", " << a << ", " << b
                << ")";
            ASSERT_TRUE(t >= wtb[b] && t < wtb[b + 1])
                << "entry (" << u << ", " << t << ") in block (" << q << ", " << a << ", " << b
                << ")";
            const std::tuple<std::int64_t, std::int64_t, std::int64_t> here{
                (u - sc.worker_space_bounds[a]) / sc.space_tile, (t - wtb[b]) / sc.time_tile,
                index_of.at(u * kCols + t)};
            ASSERT_LT(previous, here) << "entry (" << u << ", " << t << ") out of order in block ("
                                      << q << ", " << a << ", " << b << ")";
            previous = here;
          }
        }
      }
    }
  };
  check_blocks();
  // Every entry on exactly one process: entry counts add up, and within a process no
  // entry twice (the order check above makes the R positions within a block distinct;
  // blocks hold disjoint key ranges).
  std::int64_t total = static_cast<std::int64_t>(plan->size());
  s.transport().allreduce_sum(&total, 1);
  EXPECT_EQ(total, static_cast<std::int64_t>(all.size()));
}

class RotationPlan : public ::testing::TestWithParam<int> {};

TEST_P(RotationPlan, AWholeArraysEntriesGoBlockByBlockAndTileByTileInROrder) {
  const std::unique_ptr<weft::rt::Session> s = session().split(0, GetParam());
  const std::string path = weft_test::write_shared_file("plan_whole.txt", ratings_text(30000));
  const weft::SparseArray<float, 2> R = weft::load_triples<float, 2>(path);
  check_plan(*s, R, R.entries(), 128);
}

TEST_P(RotationPlan, ASlicedArraysEntriesGoBlockByBlockAndTileByTileInROrder) {
  const std::unique_ptr<weft::rt::Session> s = session().split(0, GetParam());
  const std::string path = weft_test::write_shared_file("plan_sliced.txt", ratings_text(30000));
  const weft::SparseArray<float, 2> R = weft::rt::load_triples<float, 2>(*s, path);
  const weft::SparseArray<float, 2> whole = weft::load_triples<float, 2>(path);
  check_plan(*s, R, whole.entries(), 128);
}

// All entries in one row: every process but one owns an empty range of it (or one
// without entries) and plans no entries; the loop still runs each entry once.
TEST_P(RotationPlan, ProcessesWithoutSpaceKeysPlanNoEntries) {
  const std::unique_ptr<weft::rt::Session> s = session().split(0, GetParam());
  weft::SparseArray<float, 2> R;
  for (int i = 0; i < 50; ++i)
    R.add({0, 7 * i % kCols}, 1.0f);
  // 50 entries: tiles may grow until there are no more tiles than entries or blocks.
  check_plan(*s, R, R.entries(), 0);
  weft::DistArray<float, 2> W({kRows, 1}), H({kCols, 1});
  weft::rt::rotation_2d(*s, R, 0, 1, weft::rt::Footprint().write(W, 0).write(H, 1),
                        [&](const weft::Entry<float, 2> &e) {
                          W(e.key[0], 0) += 1.0f;
                          H(e.key[1], 0) += 1.0f;
                        });
  EXPECT_EQ(W(0, 0), 50.0f);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(H(7 * i % kCols, 0), 1.0f) << i;
}

// The plan keeps keys as 32-bit offsets from each dimension's smallest key; where a
// dimension's keys span 2^32 or more (only a dimension other than space and time can:
// planning counts entries per key of those) it keeps the entries as they are. Either way
// the body sees every entry once, with its keys and value.
TEST_P(RotationPlan, EntriesKeepTheirKeysWhetherPackedOrNot) {
  const std::unique_ptr<weft::rt::Session> s = session().split(0, GetParam());
  constexpr int kEntries = 300, kUsers = 40, kItems = 30;
  const std::int64_t base = std::int64_t{1} << 41;
  for (const std::int64_t step : {std::int64_t{3}, std::int64_t{1} << 30}) {
    SCOPED_TRACE("key[2] step " + std::to_string(step));
    weft::SparseArray<float, 3> R;
    for (int n = 0; n < kEntries; ++n)
      R.add({n % kUsers, 7 * n % kItems, base + step * n}, static_cast<float>(n));
    weft::DistArray<float, 2> W({kUsers, 1}), H({kItems, 1});
    const weft::rt::Footprint footprint = weft::rt::Footprint().write(W, 0).write(H, 1);
    const auto plan = weft::rt::rotation_detail::make_plan(*s, R, 0, 1, footprint);
    EXPECT_EQ(plan->is_packed, step * (kEntries - 1) < (std::int64_t{1} << 32));
    // Entry n has keys (n mod 40, 7 n mod 30, base + step n) and value n: W counts the
    // entries of a user whose keys match their value, H those that do not.
    weft::rt::rotation_2d(*s, R, 0, 1, footprint, [&](const weft::Entry<float, 3> &e) {
      const auto n = static_cast<std::int64_t>(e.value);
      const bool keys_match =
          e.key[0] == n % kUsers && e.key[1] == 7 * n % kItems && e.key[2] == base + step * n;
      (keys_match ? W(e.key[0], 0) : H(e.key[1], 0)) += 1.0f;
    });
    for (int u = 0; u < kUsers; ++u)
      EXPECT_EQ(W(u, 0), static_cast<float>((kEntries - u + kUsers - 1) / kUsers)) << "user " << u;
    for (int i = 0; i < kItems; ++i)
      EXPECT_EQ(H(i, 0), 0.0f) << "item " << i;
  }
}

// Planning counts entries per key value from 0, so keys far above zero would take memory
// in proportion to their values: past the limit (2^24 values for few entries) planning
// stops with an error that names the key and what to do, on every process alike, rather
// than failing to allocate (or being killed for memory).
TEST_P(RotationPlan, KeysFarAboveZeroAreAClearError) {
  const std::unique_ptr<weft::rt::Session> s = session().split(0, GetParam());
  const std::int64_t base = std::int64_t{5} << 30;
  weft::SparseArray<float, 2> R;
  for (int n = 0; n < 200; ++n)
    R.add({base + n % 20, n % 10}, 1.0f);
  weft::DistArray<float, 2> W({20, 1}), H({10, 1});
  const auto expect_error = [&](const char *executor, auto &&run) {
    try {
      run();
      ADD_FAILURE() << executor << " planned keys from " << base;
    } catch (const weft::Error &e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(executor), std::string::npos) << what;
      // The first key past the limit that planning meets: base + something below 20.
      EXPECT_NE(what.find("key[0] reaches " + std::to_string(base / 100)), std::string::npos)
          << what;
      EXPECT_NE(what.find("number the keys of this dimension from 0"), std::string::npos) << what;
    }
  };
  const weft::rt::RowMap shift{1, -base};
  expect_error("rotation_2d", [&] {
    weft::rt::rotation_2d(*s, R, 0, 1, weft::rt::Footprint().write(W, 0, shift).write(H, 1),
                          [&](const weft::Entry<float, 2> &e) {
                            W(e.key[0] - base, 0) += 1.0f;
                            H(e.key[1], 0) += 1.0f;
                          });
  });
  expect_error("partition_1d", [&] {
    weft::rt::partition_1d(*s, R, 0, weft::rt::Footprint().write(W, 0, shift),
                           [&](const weft::Entry<float, 2> &e) { W(e.key[0] - base, 0) += 1.0f; });
  });
}

INSTANTIATE_TEST_SUITE_P(Workers, RotationPlan, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int> &info) {
                           return std::to_string(info.param) +
                                  (info.param == 1 ? "Worker" : "Workers");
                         });

} // namespace
