// The communication scheduler: transfers cut into partitions arrive whole, the credit
// bounds the bytes in flight, and the transfer needed first (lowest priority value)
// finishes first.
#include <gtest/gtest.h>
#include <weft/rt/comm_scheduler.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "mpi_test_session.h"

namespace {

using weft_test::session;

TEST(CommScheduler, PartitionedTransfersArriveWholeAroundTheRing) {
  weft::rt::Transport &net = session().transport();
  const int next = (net.rank() + 1) % net.size(), prev = (net.rank() + net.size() - 1) % net.size();
  const std::vector<std::int64_t> sizes = {0, 1, 4095, 4096, 4097, 3 * 4096 + 100, 100000};
  std::vector<std::vector<std::byte>> out, in;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    out.emplace_back(static_cast<std::size_t>(sizes[k]));
    for (std::size_t b = 0; b < out[k].size(); ++b)
      out[k][b] = static_cast<std::byte>((b * 31 + k + net.rank()) & 0xff);
    in.emplace_back(static_cast<std::size_t>(sizes[k]));
  }
  weft::rt::CommScheduler scheduler(net, {4096, 8192});
  const weft::rt::Traffic before = net.traffic();
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    scheduler.receive(in[k].data(), sizes[k], prev, static_cast<int>(k));
  }
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    scheduler.send(out[k].data(), sizes[k], next, static_cast<int>(k),
                   /*priority*/ static_cast<std::int64_t>(k % 3));
  }
  scheduler.wait_all();
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    for (std::size_t b = 0; b < in[k].size(); ++b) {
      ASSERT_EQ(in[k][b], static_cast<std::byte>((b * 31 + k + prev) & 0xff))
          << "transfer " << k << " byte " << b;
    }
  }
  // One message per partition of 4096 bytes (an empty transfer is one empty message).
  std::int64_t pieces = 0, bytes = 0;
  for (std::int64_t s : sizes) {
    pieces += s == 0 ? 1 : (s + 4095) / 4096;
    bytes += s;
  }
  EXPECT_EQ((net.traffic() - before).data_messages, pieces);
  EXPECT_EQ((net.traffic() - before).data_bytes, bytes);
}

TEST(CommScheduler, TheTransferNeededFirstFinishesFirst) {
  weft::rt::Transport &net = session().transport();
  if (net.size() < 2)
    GTEST_SKIP() << "needs two processes";
  constexpr std::int64_t kPiece = 1 << 16, kBytes = 4 * kPiece;
  std::vector<std::byte> data(3 * kBytes);
  weft::rt::CommScheduler scheduler(net, {kPiece, kPiece}); // one partition in flight
  if (net.rank() == 1) {
    weft::rt::CommScheduler::Handle h[3];
    for (int t = 0; t < 3; ++t)
      h[t] = scheduler.receive(data.data() + t * kBytes, kBytes, 0, t);
    net.barrier(); // every receive is posted before anything is sent
    // The poll at which each transfer was first seen done: transfers that finish
    // between two polls (this process descheduled on a busy machine) share a poll, and
    // their order is not known.
    int finished_at[3] = {-1, -1, -1};
    for (int poll = 0; std::count(finished_at, finished_at + 3, -1) > 0; ++poll) {
      scheduler.progress();
      for (int t = 0; t < 3; ++t) {
        if (finished_at[t] < 0 && scheduler.done(h[t]))
          finished_at[t] = poll;
      }
    }
    // Queued with priorities 3, 1, 2: the first partition of transfer 0 left at once,
    // then all of 1, all of 2, and the rest of 0 (in first-come order, 0 would finish
    // first).
    EXPECT_LE(finished_at[1], finished_at[2]);
    EXPECT_LE(finished_at[2], finished_at[0]);
  } else {
    net.barrier();
    if (net.rank() == 0) {
      const std::int64_t priority[3] = {3, 1, 2};
      for (int t = 0; t < 3; ++t)
        scheduler.send(data.data() + t * kBytes, kBytes, 1, t, priority[t]);
      scheduler.wait_all();
    }
  }
}

TEST(CommScheduler, TheTunerSkipsTheFirstLoopThenTriesSettingsOnceEachAndKeepsTheFastest) {
  weft::rt::SchedulerTuner tuner({1 << 20, 4 << 20}, 6);
  // The first loop: the given settings, its (cold) time ignored.
  EXPECT_TRUE(tuner.tuning());
  EXPECT_EQ(tuner.next().partition_bytes, 1 << 20);
  EXPECT_EQ(tuner.next().credit_bytes, 4 << 20);
  tuner.record(session().transport(), 0.001, "test loop");
  std::vector<weft::rt::CommScheduler::Settings> tried;
  for (int loop = 0; loop < 6; ++loop) {
    EXPECT_TRUE(tuner.tuning());
    tried.push_back(tuner.next());
    // The fourth setting is the fastest on every process.
    tuner.record(session().transport(), loop == 3 ? 0.01 : 0.05 + 0.01 * session().rank(),
                 "test loop");
  }
  EXPECT_FALSE(tuner.tuning());
  EXPECT_EQ(tuner.next().partition_bytes, tried[3].partition_bytes);
  EXPECT_EQ(tuner.next().credit_bytes, tried[3].credit_bytes);
  weft::rt::SchedulerTuner fixed({12345, 67890}, 0);
  EXPECT_FALSE(fixed.tuning());
  EXPECT_EQ(fixed.next().partition_bytes, 12345);
}

} // namespace
