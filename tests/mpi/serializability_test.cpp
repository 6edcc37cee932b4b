// Serializability of rotation_2d and partition_1d on several processes: the body records
// which (row, column) it holds, on which process and worker, and when. Within a process,
// an atomic holder per row and per column catches two workers at once; across processes,
// the recorded intervals (steady_clock is one clock for every process of a node) must not
// overlap on a row or a column held by two processes.
#include <gtest/gtest.h>
#include <weft/rt/partition_1d.h>
#include <weft/rt/rotation_2d.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <vector>

#include "mpi_test_session.h"

namespace {

using weft_test::session;

constexpr int kRows = 240, kCols = 180;

weft::SparseArray<float, 2> entries(int count) {
  weft::SparseArray<float, 2> a;
  std::vector<char> used(kRows * kCols, 0);
  for (std::uint64_t n = 0; static_cast<int>(a.size()) < count; ++n) {
    const std::uint64_t x = weft::detail::splitmix64_at(11, n);
    const int u = static_cast<int>(x % kRows), i = static_cast<int>((x >> 32) % kCols);
    if (!used[u * kCols + i]++)
      a.add({u, i}, 1.0f);
  }
  return a;
}

struct Touch {
  std::int64_t row, col;
  std::int64_t begin_ns, end_ns;
  std::int64_t rank, worker;
};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Records touches; counts conflicts between workers of this process.
class Recorder {
public:
  explicit Recorder(bool check_columns)
      : check_columns_(check_columns), rows_(kRows), cols_(kCols), log_(64) {
    for (auto &h : rows_)
      h = -1;
    for (auto &h : cols_)
      h = -1;
  }
  void touch(const weft::Entry<float, 2> &e) {
    const int me = weft::detail::worker_index;
    int free_row = -1, free_col = -1;
    if (!rows_[e.key[0]].compare_exchange_strong(free_row, me))
      ++conflicts_;
    if (check_columns_ && !cols_[e.key[1]].compare_exchange_strong(free_col, me))
      ++conflicts_;
    const std::int64_t begin = now_ns();
    while (now_ns() - begin < 2000) {
    }
    log_[static_cast<std::size_t>(me)].push_back(
        Touch{e.key[0], e.key[1], begin, now_ns(), session().rank(), me});
    rows_[e.key[0]] = -1;
    if (check_columns_)
      cols_[e.key[1]] = -1;
  }
  int conflicts() const { return conflicts_; }
  // Every process's touches, on every process.
  std::vector<Touch> all() const {
    std::vector<Touch> mine;
    for (const auto &l : log_)
      mine.insert(mine.end(), l.begin(), l.end());
    std::vector<std::int64_t> counts;
    const auto bytes = session().transport().allgatherv(
        mine.data(), static_cast<std::int64_t>(mine.size() * sizeof(Touch)), counts,
        weft::rt::Kind::Control);
    std::vector<Touch> out(bytes.size() / sizeof(Touch));
    if (!bytes.empty())
      std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
  }

private:
  bool check_columns_;
  std::vector<std::atomic<int>> rows_, cols_;
  std::vector<std::vector<Touch>> log_;
  std::atomic<int> conflicts_{0};
};

// Pairs of touches of the same key by two processes whose intervals overlap.
int overlaps_between_processes(std::vector<Touch> touches, bool by_row) {
  std::sort(touches.begin(), touches.end(), [by_row](const Touch &a, const Touch &b) {
    const auto ka = by_row ? a.row : a.col, kb = by_row ? b.row : b.col;
    return ka != kb ? ka < kb : a.begin_ns < b.begin_ns;
  });
  int overlaps = 0;
  // Within one key, sorted by start: a touch overlaps an earlier one of another process
  // iff it starts before the latest end seen so far from another process.
  for (std::size_t i = 0; i < touches.size();) {
    std::size_t j = i;
    const auto key = by_row ? touches[i].row : touches[i].col;
    std::vector<std::int64_t> latest_end(static_cast<std::size_t>(session().size()), -1);
    for (; j < touches.size() && (by_row ? touches[j].row : touches[j].col) == key; ++j) {
      for (int p = 0; p < session().size(); ++p) {
        if (p != touches[j].rank && latest_end[p] > touches[j].begin_ns)
          ++overlaps;
      }
      auto &mine = latest_end[static_cast<std::size_t>(touches[j].rank)];
      mine = std::max(mine, touches[j].end_ns);
    }
    i = j;
  }
  return overlaps;
}

TEST(Serializability, Rotation2DNeverLetsTwoHoldersShareARowOrAColumn) {
  const weft::SparseArray<float, 2> R = entries(4000);
  weft::DistArray<float, 2> W({kRows, 2}), H({kCols, 2});
  Recorder recorder(/*check_columns*/ true);
  for (int epoch = 0; epoch < 2; ++epoch) {
    weft::rt::rotation_2d(session(), R, 0, 1, weft::rt::Footprint().write(W, 0).write(H, 1),
                          [&](const weft::Entry<float, 2> &e) {
                            recorder.touch(e);
                            W(e.key[0], 0) += 1.0f;
                            H(e.key[1], 0) += 1.0f;
                          });
  }
  EXPECT_EQ(recorder.conflicts(), 0);
  const std::vector<Touch> all = recorder.all();
  EXPECT_EQ(all.size(), 8000u);
  EXPECT_EQ(overlaps_between_processes(all, /*by_row*/ true), 0);
  EXPECT_EQ(overlaps_between_processes(all, /*by_row*/ false), 0);
  // Every entry twice: the counts are exact.
  for (int i = 0; i < kCols; i += 17) {
    float expected = 0;
    for (const auto &e : R)
      expected += e.key[1] == i ? 2.0f : 0.0f;
    EXPECT_EQ(H(i, 0), expected) << i;
  }
}

TEST(Serializability, Partition1DNeverLetsTwoHoldersShareARow) {
  const weft::SparseArray<float, 2> R = entries(4000);
  weft::DistArray<float, 2> W({kRows, 2});
  Recorder recorder(/*check_columns*/ false);
  weft::rt::partition_1d(session(), R, 0, weft::rt::Footprint().write(W, 0),
                         [&](const weft::Entry<float, 2> &e) {
                           recorder.touch(e);
                           W(e.key[0], 0) += 1.0f;
                         });
  EXPECT_EQ(recorder.conflicts(), 0);
  const std::vector<Touch> all = recorder.all();
  EXPECT_EQ(all.size(), 4000u);
  EXPECT_EQ(overlaps_between_processes(all, /*by_row*/ true), 0);
}

} // namespace
