// The communication scheduler: transfers cut into partitions arrive whole, the credit
// bounds the bytes in flight, and the transfer needed first (lowest priority value)
// finishes first.
#include <gtest/gtest.h>
#include <weft/rt/comm_scheduler.h>

#include <algorithm>
#include <cstdint>
#include <set>
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

// rotation_2d's shape: process 1 queues a transfer beyond its credit and goes on into a
// collective; process 0 joins that collective only once the transfer has arrived. The
// queued partitions must leave while process 1 waits in the barrier (WaitProgress), or
// both wait forever (here: until the 20 s deadline, a TimeoutError).
TEST(CommScheduler, QueuedPartitionsLeaveWhileTheirProcessWaitsInACollective) {
  weft::rt::Transport &world = session().transport();
  if (world.size() < 2)
    GTEST_SKIP() << "needs two processes";
  weft::rt::Transport net(world.comm().dup(), 20);
  constexpr std::int64_t kPiece = 1 << 16, kBytes = 8 * kPiece;
  std::vector<std::byte> data(kBytes);
  weft::rt::CommScheduler scheduler(net, {kPiece, kPiece}); // one partition in flight
  if (net.rank() == 0) {
    const weft::rt::CommScheduler::Handle h = scheduler.receive(data.data(), kBytes, 1, 0);
    scheduler.wait(h);
    for (std::int64_t b = 0; b < kBytes; ++b)
      ASSERT_EQ(data[static_cast<std::size_t>(b)], static_cast<std::byte>(b % 251)) << b;
  } else if (net.rank() == 1) {
    for (std::int64_t b = 0; b < kBytes; ++b)
      data[static_cast<std::size_t>(b)] = static_cast<std::byte>(b % 251);
    const weft::rt::CommScheduler::Handle h = scheduler.send(data.data(), kBytes, 0, 0, 0);
    EXPECT_FALSE(scheduler.done(h)); // seven partitions wait for the credit
  }
  EXPECT_NO_THROW(net.barrier("MPI_Ibarrier after the transfer"));
  scheduler.wait_all();
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

TEST(CommScheduler, TheTunerProbesBothKnobsAndTunesAgainEverywhereWhenTheLowestBandwidthDrifts) {
  weft::rt::Transport &net = session().transport();
  // A link of 1 GB/s and 20 us: the first probe comes from it, not from the settings given.
  weft::rt::SchedulerTuner tuner({1 << 20, 4 << 20}, 8, weft::rt::LinkProfile{1e9, 20e-6, {}});
  tuner.record(net, 0.001, "test loop"); // the untimed first loop
  std::set<std::int64_t> partitions, credits_per_partition;
  for (int loop = 0; tuner.tuning(); ++loop) {
    const weft::rt::CommScheduler::Settings s = tuner.next();
    partitions.insert(s.partition_bytes);
    credits_per_partition.insert(s.credit_bytes / s.partition_bytes);
    if (loop == 0) { // 4 x 20 KB in 128 KiB partitions, credit 2 partitions
      EXPECT_EQ(s.partition_bytes, 128 << 10);
      EXPECT_EQ(s.credit_bytes, 256 << 10);
    }
    tuner.record(net, 0.01 + 1e-9 * static_cast<double>(s.partition_bytes + s.credit_bytes),
                 "test loop");
    ASSERT_LT(loop, 8);
  }
  EXPECT_GT(partitions.size(), 1u);
  EXPECT_GT(credits_per_partition.size(), 1u);
  const weft::rt::CommScheduler::Settings chosen = tuner.next();
  // Every process chose the same settings.
  std::int64_t low[2] = {chosen.partition_bytes, chosen.credit_bytes};
  std::int64_t high[2] = {chosen.partition_bytes, chosen.credit_bytes};
  net.allreduce_min(low, 2);
  net.allreduce_max(high, 2);
  EXPECT_EQ(low[0], high[0]);
  EXPECT_EQ(low[1], high[1]);
  // 10% slower on all but the last process, 30% slower there: the lowest counts, so with
  // two processes or more every one tunes again, and alone it keeps its choice.
  const bool slow = net.size() > 1 && net.rank() == net.size() - 1;
  tuner.report_bandwidth(net, slow ? 0.7e9 : 0.9e9, "test loop");
  EXPECT_EQ(tuner.tuning(), net.size() > 1);
  int loops = 0;
  for (; tuner.tuning(); ++loops)
    tuner.record(net, 0.02, "test loop");
  EXPECT_EQ(loops, net.size() > 1 ? 8 : 0);
  if (net.size() == 1) {
    EXPECT_EQ(tuner.next().partition_bytes, chosen.partition_bytes);
  }
}

} // namespace
