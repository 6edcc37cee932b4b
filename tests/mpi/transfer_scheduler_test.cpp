// TransferScheduler (transfer_scheduler.h) over MPI: a chunked all-reduce under every
// policy is bit-identical to the unchunked one and to the rank-order sum; point-to-point
// transfers arrive whole within the credit; the emulated link slows a transfer to its
// rate; bad transfers are errors naming them.
#include <gtest/gtest.h>
#include <weft/rt/transfer_scheduler.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "mpi_test_session.h"

namespace {

using namespace weft::rt;
using weft_test::session;

// Process r's value at index i of tensor t: magnitudes from 1e-4 to 1e7 with both signs,
// so that another summation order gives other floats.
float value(int r, std::size_t t, std::int64_t i) {
  const double x = std::sin(static_cast<double>(i) * 0.37 + static_cast<double>(r) * 1.91 +
                            static_cast<double>(t));
  return static_cast<float>(x * std::pow(10.0, static_cast<double>((i * 7 + r * 3) % 12) - 4));
}

const std::vector<std::int64_t> kCounts = {0, 1, 3, 1000, 4097, 100003};

// All tensors all-reduced under `settings`, in forward order with priority = index,
// called in backward order (the last first), as a training step does.
std::vector<std::vector<float>> reduce_all(const TransferScheduler::Settings &settings) {
  Transport &net = session().transport();
  std::vector<std::vector<float>> tensors;
  for (std::size_t t = 0; t < kCounts.size(); ++t) {
    tensors.emplace_back(static_cast<std::size_t>(kCounts[t]));
    for (std::int64_t i = 0; i < kCounts[t]; ++i)
      tensors[t][static_cast<std::size_t>(i)] = value(net.rank(), t, i);
  }
  TransferScheduler scheduler(net, settings);
  if (settings.policy.kind == PolicyKind::Buckets)
    scheduler.plan_allreduces(kCounts);
  for (std::size_t t = kCounts.size(); t-- > 0;) {
    scheduler.allreduce_sum(tensors[t].data(), kCounts[t], static_cast<std::int64_t>(t));
    scheduler.progress();
  }
  scheduler.wait_all();
  EXPECT_LE(scheduler.max_in_flight_bytes(), scheduler.settings().policy.credit_bytes);
  return tensors;
}

TEST(TransferScheduler, AChunkedAllReduceIsBitIdenticalToTheUnchunkedOneUnderEveryPolicy) {
  const int n = session().transport().size();
  // The rank-order sum, computed here from every process's values.
  std::vector<std::vector<float>> expected;
  for (std::size_t t = 0; t < kCounts.size(); ++t) {
    expected.emplace_back();
    for (std::int64_t i = 0; i < kCounts[t]; ++i) {
      float s = value(0, t, i);
      for (int r = 1; r < n; ++r)
        s += value(r, t, i);
      expected[t].push_back(s);
    }
  }
  TransferScheduler::Settings unchunked;
  unchunked.policy.partition_bytes = unchunked.policy.credit_bytes = kUnlimitedBytes;
  TransferScheduler::Settings chunked;
  chunked.policy.partition_bytes = 4096;
  chunked.policy.credit_bytes = 3 * 4096 + 100;
  TransferScheduler::Settings odd = chunked; // a partition that is not whole floats
  odd.policy.partition_bytes = 1001;
  std::vector<TransferScheduler::Settings> all = {unchunked, chunked, odd};
  for (PolicyKind k : {PolicyKind::Fifo, PolicyKind::Buckets, PolicyKind::Fusion}) {
    TransferScheduler::Settings s;
    s.policy.kind = k;
    s.policy.first_bucket_bytes = 4096; // several buckets
    s.policy.bucket_bytes = 100000;
    s.policy.fusion_bytes = 20000;
    s.policy.fusion_cycle_seconds = 0.001;
    all.push_back(s);
  }
  for (std::size_t c = 0; c < all.size(); ++c) {
    const std::vector<std::vector<float>> got = reduce_all(all[c]);
    for (std::size_t t = 0; t < kCounts.size(); ++t) {
      ASSERT_EQ(got[t].size(), expected[t].size());
      EXPECT_EQ(std::memcmp(got[t].data(), expected[t].data(), got[t].size() * sizeof(float)), 0)
          << "configuration " << c << " (" << policy_name(all[c].policy.kind) << "), tensor " << t;
    }
  }
}

// Process 1 queues a send beyond its credit and goes on into a barrier that process 0
// joins only once the send has arrived: the queue must move while process 1 waits
// (WaitProgress), or both wait until the 20 s deadline.
TEST(TransferScheduler, QueuedSendsLeaveWhileTheirProcessWaitsInACollective) {
  Transport &world = session().transport();
  if (world.size() < 2)
    GTEST_SKIP() << "needs two processes";
  Transport net(world.comm().dup(), 20);
  constexpr std::int64_t kPiece = 1 << 16, kBytes = 8 * kPiece;
  std::vector<std::byte> data(kBytes);
  TransferScheduler::Settings s;
  s.policy.partition_bytes = s.policy.credit_bytes = kPiece; // one partition in flight
  TransferScheduler scheduler(net, s);
  if (net.rank() == 0) {
    scheduler.wait(scheduler.receive(data.data(), kBytes, 1, 0));
    for (std::int64_t b = 0; b < kBytes; ++b)
      ASSERT_EQ(data[static_cast<std::size_t>(b)], static_cast<std::byte>(b % 251)) << b;
  } else if (net.rank() == 1) {
    for (std::int64_t b = 0; b < kBytes; ++b)
      data[static_cast<std::size_t>(b)] = static_cast<std::byte>(b % 251);
    EXPECT_FALSE(scheduler.done(scheduler.send(data.data(), kBytes, 0, 0, 0)));
  }
  EXPECT_NO_THROW(net.barrier("MPI_Ibarrier after the transfer"));
  scheduler.wait_all();
}

TEST(TransferScheduler, PartitionedSendsArriveWholeAroundTheRingWithinTheCredit) {
  Transport &net = session().transport();
  const int next = (net.rank() + 1) % net.size(), prev = (net.rank() + net.size() - 1) % net.size();
  const std::vector<std::int64_t> sizes = {0, 1, 4095, 4096, 4097, 100000};
  for (PolicyKind kind : {PolicyKind::Priority, PolicyKind::Fifo}) {
    std::vector<std::vector<std::byte>> out, in;
    for (std::size_t k = 0; k < sizes.size(); ++k) {
      out.emplace_back(static_cast<std::size_t>(sizes[k]));
      for (std::size_t b = 0; b < out[k].size(); ++b)
        out[k][b] =
            static_cast<std::byte>((b * 31 + k + static_cast<std::size_t>(net.rank())) & 0xff);
      in.emplace_back(static_cast<std::size_t>(sizes[k]));
    }
    TransferScheduler::Settings s;
    s.policy.kind = kind;
    s.policy.partition_bytes = 4096;
    s.policy.credit_bytes = 8192;
    TransferScheduler scheduler(net, s);
    for (std::size_t k = 0; k < sizes.size(); ++k)
      scheduler.receive(in[k].data(), sizes[k], prev, static_cast<int>(k));
    for (std::size_t k = 0; k < sizes.size(); ++k) {
      scheduler.send(out[k].data(), sizes[k], next, static_cast<int>(k),
                     k == 3 ? kCriticalPriority : static_cast<std::int64_t>(k % 3));
    }
    scheduler.wait_all();
    for (std::size_t k = 0; k < sizes.size(); ++k) {
      for (std::size_t b = 0; b < in[k].size(); ++b) {
        ASSERT_EQ(in[k][b],
                  static_cast<std::byte>((b * 31 + k + static_cast<std::size_t>(prev)) & 0xff))
            << policy_name(kind) << " transfer " << k << " byte " << b;
      }
    }
    if (kind == PolicyKind::Priority) {
      EXPECT_LE(scheduler.max_in_flight_bytes(), 8192);
    }
  }
}

TEST(TransferScheduler, TheEmulatedLinkHoldsATransferToItsRate) {
  Transport &net = session().transport();
  if (net.size() < 2)
    GTEST_SKIP() << "needs two processes";
  // 1 MiB at 100 MB/s: at least 10 ms less the burst, plus 2 ms of latency.
  TransferScheduler::Settings s;
  s.link.bytes_per_second = 100e6;
  s.link.latency_seconds = 2e-3;
  TransferScheduler scheduler(net, s);
  std::vector<std::byte> data(1 << 20);
  net.barrier();
  const auto start = std::chrono::steady_clock::now();
  if (net.rank() == 0)
    scheduler.send(data.data(), static_cast<std::int64_t>(data.size()), 1, 0, 0);
  if (net.rank() == 1)
    scheduler.receive(data.data(), static_cast<std::int64_t>(data.size()), 0, 0);
  scheduler.wait_all();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (net.rank() == 0) {
    EXPECT_GE(seconds, (static_cast<double>(data.size() - kEmulatedBurstBytes)) / 100e6 + 2e-3);
  }
  net.barrier();
}

TEST(TransferScheduler, BadTransfersAreErrorsNamingThem) {
  Transport &net = session().transport();
  TransferScheduler scheduler(net, TransferScheduler::Settings{});
  std::byte b{};
  EXPECT_THROW(scheduler.send(&b, 1, 0, kFirstReservedTag, 0), weft::Error);
  EXPECT_THROW(scheduler.send(&b, -1, 0, 0, 0), weft::Error);
  EXPECT_THROW(scheduler.receive(&b, 1, net.size(), 0), weft::Error);
  EXPECT_THROW(scheduler.allreduce_sum(nullptr, -3, 0), weft::Error);
  TransferScheduler::Settings bad;
  bad.link.bytes_per_second = -1;
  EXPECT_THROW(TransferScheduler(net, bad), weft::Error);
  // Under a plan: a layer's count must match, and its next all-reduce waits for the last.
  std::vector<float> x(4, 1.0f);
  scheduler.plan_allreduces({4, 8});
  EXPECT_THROW(scheduler.allreduce_sum(x.data(), 3, 0), weft::Error);
  scheduler.allreduce_sum(x.data(), 4, 0);
  if (net.size() > 1) { // not finished before the other processes' contributions arrive
    EXPECT_THROW(scheduler.allreduce_sum(x.data(), 4, 0), weft::Error);
  }
  scheduler.wait_all();
  EXPECT_EQ(x[0], static_cast<float>(net.size()));
}

} // namespace
