// rotation_2d with one process and two workers: every entry once, no two workers on one
// row or one column at the same time, results independent of timing, SGD converging
// like the serial loop; Buffers flushed in rounds within the bound of rotation_2d.h.
#include <gtest/gtest.h>
#include <weft/rt/rotation_2d.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "rt_test_session.h"

namespace {

weft::SparseArray<float, 2> ratings(int users, int items, int count, std::uint64_t seed) {
  weft::SparseArray<float, 2> a;
  std::vector<char> used(static_cast<std::size_t>(users) * items, 0);
  for (std::uint64_t n = 0; static_cast<int>(a.size()) < count; ++n) {
    const std::uint64_t x = weft::detail::splitmix64_at(seed, n);
    const int u = static_cast<int>(x % users), i = static_cast<int>((x >> 32) % items);
    if (used[static_cast<std::size_t>(u) * items + i]++)
      continue;
    // Rank-2 structure plus uniform noise of standard deviation 0.3.
    const double noise = (static_cast<double>(x >> 40 & 0xffff) / 65536.0 - 0.5) * 0.3 * 3.4641;
    a.add({u, i}, static_cast<float>((u % 5) * 0.3 + (i % 7) * 0.2 + noise));
  }
  return a;
}

TEST(RtRotation2D, NoTwoWorkersHoldTheSameRowOrColumnAndEveryEntryRunsOnce) {
  const weft::SparseArray<float, 2> R = ratings(300, 200, 8000, 1);
  weft::DistArray<float, 2> W({300, 1}), H({200, 1});
  std::vector<std::atomic<int>> row_holder(300), col_holder(200), visits(8000);
  for (auto &h : row_holder)
    h = -1;
  for (auto &h : col_holder)
    h = -1;
  std::atomic<int> conflicts{0};
  std::vector<std::int64_t> index_of(300 * 200, -1);
  for (std::int64_t n = 0; n < R.size(); ++n)
    index_of[R.entries()[n].key[0] * 200 + R.entries()[n].key[1]] = n;
  weft::rt::rotation_2d(weft_test::session(), R, 0, 1,
                        weft::rt::Footprint().write(W, 0).write(H, 1),
                        [&](const weft::Entry<float, 2> &e) {
                          const int me = weft::detail::worker_index;
                          int free_row = -1, free_col = -1;
                          if (!row_holder[e.key[0]].compare_exchange_strong(free_row, me))
                            ++conflicts;
                          if (!col_holder[e.key[1]].compare_exchange_strong(free_col, me))
                            ++conflicts;
                          for (volatile int spin = 0; spin < 200; spin = spin + 1) {
                          }
                          W(e.key[0], 0) += 1.0f;
                          H(e.key[1], 0) += 1.0f;
                          ++visits[index_of[e.key[0] * 200 + e.key[1]]];
                          row_holder[e.key[0]] = -1;
                          col_holder[e.key[1]] = -1;
                        });
  EXPECT_EQ(conflicts.load(), 0);
  for (const auto &v : visits)
    EXPECT_EQ(v.load(), 1);
  float total = 0;
  for (int u = 0; u < 300; ++u)
    total += W(u, 0);
  EXPECT_EQ(total, 8000.0f);
}

void sgd_epoch(weft::DistArray<float, 2> &W, weft::DistArray<float, 2> &H,
               const weft::Entry<float, 2> &e) {
  const int K = static_cast<int>(W.shape()[1]);
  const float lr = 0.05f, reg = 0.01f;
  float err = e.value;
  for (int k = 0; k < K; ++k)
    err -= W(e.key[0], k) * H(e.key[1], k);
  for (int k = 0; k < K; ++k) {
    const float w = W(e.key[0], k);
    W(e.key[0], k) += lr * (err * H(e.key[1], k) - reg * w);
    H(e.key[1], k) += lr * (err * w - reg * H(e.key[1], k));
  }
}

double rmse(const weft::SparseArray<float, 2> &R, const weft::DistArray<float, 2> &W,
            const weft::DistArray<float, 2> &H) {
  double sq = 0;
  for (const auto &e : R) {
    float err = e.value;
    for (int k = 0; k < W.shape()[1]; ++k)
      err -= W(e.key[0], k) * H(e.key[1], k);
    sq += static_cast<double>(err) * err;
  }
  return std::sqrt(sq / static_cast<double>(R.size()));
}

TEST(RtRotation2D, ResultsDependOnTheScheduleNotOnTiming) {
  const weft::SparseArray<float, 2> R = ratings(400, 300, 20000, 2);
  std::vector<float> first_w;
  for (int run = 0; run < 2; ++run) {
    weft::DistArray<float, 2> W({400, 8}), H({300, 8});
    W.randomize(1, -0.1f, 0.1f);
    H.randomize(2, -0.1f, 0.1f);
    for (int epoch = 0; epoch < 3; ++epoch) {
      weft::rt::rotation_2d(weft_test::session(), R, 0, 1,
                            weft::rt::Footprint().write(W, 0).write(H, 1),
                            [&](const weft::Entry<float, 2> &e) { sgd_epoch(W, H, e); });
    }
    if (run == 0) {
      first_w.assign(W.data(), W.data() + W.size());
    } else {
      EXPECT_EQ(std::memcmp(first_w.data(), W.data(), first_w.size() * sizeof(float)), 0);
    }
  }
}

TEST(RtRotation2D, SgdReachesTheSerialLoopsError) {
  const weft::SparseArray<float, 2> R = ratings(400, 300, 20000, 3);
  weft::DistArray<float, 2> Ws({400, 8}), Hs({300, 8});
  Ws.randomize(1, -0.1f, 0.1f);
  Hs.randomize(2, -0.1f, 0.1f);
  weft::DistArray<float, 2> Wp(Ws), Hp(Hs);
  weft::Accumulator<double> sq(0.0);
  // Until both reach the plateau: in SGD's steep descent two orders of the same updates
  // can be several percent apart at one epoch.
  for (int epoch = 0; epoch < 40; ++epoch) {
    for (const auto &e : R)
      sgd_epoch(Ws, Hs, e);
    weft::rt::rotation_2d(weft_test::session(), R, 0, 1,
                          weft::rt::Footprint().write(Wp, 0).write(Hp, 1).reduce(sq),
                          [&](const weft::Entry<float, 2> &e) {
                            sgd_epoch(Wp, Hp, e);
                            sq += 1.0;
                          });
  }
  EXPECT_EQ(sq.value(), 40.0 * R.size());
  const double serial = rmse(R, Ws, Hs), parallel = rmse(R, Wp, Hp);
  EXPECT_NEAR(parallel, serial, 0.01 * serial)
      << "serial " << serial << ", rotation_2d " << parallel;
}

// A Gibbs-sampling-like loop (samples/lda): per entry, move one unit of count from the
// entry's old topic to a new one in the row counts (space), the column counts (time) and,
// through a Buffer, the topic totals. The new topic is a hash of the entry and the epoch,
// so the serial loop and rotation_2d make the same moves and must end with equal counts.
struct TopicCounts {
  static constexpr int kTopics = 5;
  weft::DistArray<int, 2> z, row, col;
  weft::DistArray<std::int64_t, 1> total;
  TopicCounts(std::int64_t rows, std::int64_t cols)
      : z({rows, cols}), row({rows, kTopics}), col({cols, kTopics}), total({kTopics}) {}

  static int topic(const weft::Entry<float, 2> &e, int epoch) {
    return static_cast<int>(
        weft::detail::splitmix64_at(static_cast<std::uint64_t>(epoch),
                                    static_cast<std::uint64_t>(e.key[0] * 1000 + e.key[1])) %
        kTopics);
  }
  void start(const weft::SparseArray<float, 2> &R) {
    for (const auto &e : R) {
      const int t = topic(e, -1);
      z(e.key[0], e.key[1]) = t;
      row(e.key[0], t) += 1;
      col(e.key[1], t) += 1;
      total(t) += 1;
    }
  }
  template <class Totals> void move(const weft::Entry<float, 2> &e, int epoch, Totals &totals) {
    const int old_topic = z(e.key[0], e.key[1]), new_topic = topic(e, epoch);
    row(e.key[0], old_topic) -= 1;
    col(e.key[1], old_topic) -= 1;
    totals(old_topic) += -1;
    z(e.key[0], e.key[1]) = new_topic;
    row(e.key[0], new_topic) += 1;
    col(e.key[1], new_topic) += 1;
    totals(new_topic) += 1;
  }
};

TEST(RtRotation2D, BufferedTotalsEqualTheSerialLoopsTotals) {
  const weft::SparseArray<float, 2> R = ratings(300, 200, 8000, 4);
  TopicCounts serial(300, 200), parallel(300, 200);
  serial.start(R);
  parallel.start(R);
  weft::Buffer<std::int64_t, 1> totals(parallel.total, weft::apply_add, 16);
  weft::Accumulator<std::int64_t> moves(0);
  for (int epoch = 0; epoch < 3; ++epoch) {
    for (const auto &e : R)
      serial.move(e, epoch, serial.total);
    weft::rt::rotation_2d(weft_test::session(), R, 0, 1,
                          weft::rt::Footprint()
                              .write(parallel.z, 0)
                              .write(parallel.row, 0)
                              .write(parallel.col, 1)
                              .buffer(totals)
                              .reduce(moves),
                          [&](const weft::Entry<float, 2> &e) {
                            parallel.move(e, epoch, totals);
                            moves += 1;
                          });
    // The target is whole: nothing left held, no materialization pending.
    EXPECT_EQ(weft::detail::RuntimeAccess::residency(parallel.total).pending, nullptr);
    for (int t = 0; t < TopicCounts::kTopics; ++t)
      EXPECT_EQ(parallel.total(t), serial.total(t)) << epoch << " " << t;
  }
  EXPECT_EQ(moves.value(), 3 * R.size());
  for (std::int64_t u = 0; u < 300; ++u) {
    for (int t = 0; t < TopicCounts::kTopics; ++t)
      EXPECT_EQ(parallel.row(u, t), serial.row(u, t));
  }
  for (std::int64_t i = 0; i < 200; ++i) {
    for (int t = 0; t < TopicCounts::kTopics; ++t)
      EXPECT_EQ(parallel.col(i, t), serial.col(i, t));
  }
}

TEST(RtRotation2D, ABufferedUpdateIsMissedByAtMostMaxDelayUpdatesPerBand) {
  // Every iteration reads a counter and then adds 1 to it through a Buffer. A band stops
  // for a flush when it holds max_delay updates, and blocks hold far more entries than
  // that, so the waves must flush in rounds: a read then misses at most G * max_delay
  // updates (G bands, one update per iteration), whatever the block sizes.
  const weft::SparseArray<float, 2> R = ratings(300, 200, 8000, 5);
  const std::int64_t d = 5;
  const std::int64_t bands =
      weft_test::session().threads() == 1 ? 1 : 2 * weft_test::session().threads();
  weft::DistArray<std::int64_t, 1> counter({1});
  weft::DistArray<float, 2> W({300, 1}), H({200, 1});
  weft::Buffer<std::int64_t, 1> add(counter, weft::apply_add, d);
  std::atomic<std::int64_t> made{0}, most_missed{0}, least_missed{0};
  const auto raise_to = [](std::atomic<std::int64_t> &most, std::int64_t v) {
    for (std::int64_t m = most.load(); v > m && !most.compare_exchange_weak(m, v);) {
    }
  };
  const auto lower_to = [](std::atomic<std::int64_t> &least, std::int64_t v) {
    for (std::int64_t m = least.load(); v < m && !least.compare_exchange_weak(m, v);) {
    }
  };
  weft::rt::rotation_2d(weft_test::session(), R, 0, 1,
                        weft::rt::Footprint().write(W, 0).write(H, 1).buffer(add).read(counter),
                        [&](const weft::Entry<float, 2> &e) {
                          const std::int64_t missed = made.load() - counter(0);
                          raise_to(most_missed, missed);
                          lower_to(least_missed, missed);
                          W(e.key[0], 0) += 1.0f;
                          H(e.key[1], 0) += 1.0f;
                          add(0) += 1;
                          ++made;
                        });
  EXPECT_EQ(counter(0), R.size());
  EXPECT_GE(least_missed.load(), 0);
  EXPECT_LE(most_missed.load(), bands * d);
}

TEST(RtRotation2D, BufferedFloatingPointResultsDependOnTheScheduleNotOnTiming) {
  // apply_add on doubles depends on the order of the updates: the flushes apply them in
  // (process, band, update) order, whichever thread ran a band.
  const weft::SparseArray<float, 2> R = ratings(300, 200, 8000, 6);
  std::vector<double> first;
  for (int run = 0; run < 3; ++run) {
    weft::DistArray<double, 1> sums({7});
    weft::DistArray<float, 2> W({300, 1}), H({200, 1});
    weft::Buffer<double, 1> add(sums, weft::apply_add, 3);
    weft::Accumulator<double> total(0.0);
    weft::rt::rotation_2d(weft_test::session(), R, 0, 1,
                          weft::rt::Footprint().write(W, 0).write(H, 1).buffer(add).reduce(total),
                          [&](const weft::Entry<float, 2> &e) {
                            W(e.key[0], 0) += e.value;
                            H(e.key[1], 0) += e.value;
                            add((e.key[0] + e.key[1]) % 7) +=
                                0.1 * e.value + sums(e.key[0] % 7) * 1e-9;
                            total += 0.1 * e.value;
                          });
    std::vector<double> result(sums.data(), sums.data() + 7);
    result.push_back(total.value());
    if (run == 0) {
      first = result;
    } else {
      EXPECT_EQ(std::memcmp(first.data(), result.data(), first.size() * sizeof(double)), 0)
          << "run " << run;
    }
  }
}

TEST(RtRotation2D, ABufferTargetMustNotAlsoBeWrittenDirectly) {
  weft::SparseArray<float, 2> R;
  R.add({0, 0}, 1.0f);
  weft::DistArray<float, 2> W({1, 1});
  weft::Buffer<float, 2> dW(W, weft::apply_add, 10);
  EXPECT_THROW(weft::rt::rotation_2d(weft_test::session(), R, 0, 1,
                                     weft::rt::Footprint().write(W, 0).buffer(dW),
                                     [&](const weft::Entry<float, 2> &) {}),
               weft::Error);
}

TEST(RtRotation2D, ArraysMustBeIndexedByTheSpaceOrTheTimeDimension) {
  weft::SparseArray<float, 3> R;
  R.add({0, 0, 0}, 1.0f);
  weft::DistArray<float, 1> A({1});
  EXPECT_THROW(weft::rt::rotation_2d(weft_test::session(), R, 0, 1,
                                     weft::rt::Footprint().write(A, 2),
                                     [&](const weft::Entry<float, 3> &) {}),
               weft::Error);
  EXPECT_THROW(weft::rt::rotation_2d(weft_test::session(), R, 1, 1, weft::rt::Footprint(),
                                     [&](const weft::Entry<float, 3> &) {}),
               weft::Error);
}

// Tiles of one row over wide key ranges would number rows times columns; the grid grows
// its tiles until it has no more tiles than the entries allow, and still numbers them in
// the order the entries run: block (a, b), then space tile, then time tile.
TEST(RtRotation2D, TileGridOfOneRowTilesOverWideKeyRangesStaysWithinItsCap) {
  weft::rt::rotation_detail::Schedule s;
  s.workers = 2;
  s.space_bounds = {0, 1000000};
  s.time_bounds = {0, 500000};
  s.worker_space_bounds = {0, 400000, 1000000};
  s.worker_time_bounds = {{0, 100000, 500000}};
  s.space_tile = s.time_tile = 1;
  const auto grid = weft::rt::rotation_detail::tile_grid(s, 0, 1000000, 500000, 1000);
  EXPECT_LE(grid.tiles, 1000);
  EXPECT_EQ(s.space_tile, s.time_tile);
  EXPECT_GT(s.space_tile, 1);
  EXPECT_EQ(s.space_tile & (s.space_tile - 1), 0) << "doubled from 1";
  // Half the tile size would exceed the cap: the largest band has 600000 rows, the
  // largest sub-range 400000.
  const std::int64_t half = s.space_tile / 2;
  EXPECT_GT(4 * ((600000 + half - 1) / half) * ((400000 + half - 1) / half), 1000);
  ASSERT_EQ(grid.space_part.size(), 1000000u);
  ASSERT_EQ(grid.time_part.size(), 500000u);
  const auto tile = [&](std::int64_t u, std::int64_t t) {
    return grid.space_part[u] + grid.time_part[t];
  };
  for (std::int64_t u : {0, 399999, 400000, 999999}) {
    for (std::int64_t t : {0, 99999, 100000, 499999}) {
      const std::int64_t a = u < 400000 ? 0 : 1, b = t < 100000 ? 0 : 1;
      EXPECT_EQ(tile(u, t) / grid.tiles_per_block, a * 2 + b) << u << ", " << t;
      EXPECT_LT(tile(u, t), grid.tiles);
    }
  }
  // Within a block: space tile major, time tile minor.
  EXPECT_LT(tile(0, 99999), tile(s.space_tile, 0));
  EXPECT_LT(tile(0, 0), tile(0, s.time_tile));
  EXPECT_EQ(tile(0, 0), tile(s.space_tile - 1, s.time_tile - 1));
}

} // namespace
