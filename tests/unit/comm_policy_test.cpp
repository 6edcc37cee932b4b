// The scheduling core (comm_policy.h), checked from the outside on simulated traces: the
// least key among the ready chunks goes, the credit bounds the bytes in flight at every
// event, an unlimited partition and credit is FIFO, an early layer overtakes a late
// layer's large tensor, and the baselines group tensors as DDP and Horovod do.
#include <gtest/gtest.h>
#include <weft/rt/comm_policy.h>
#include <weft/rt/comm_simulate.h>
#include <weft/detail/error.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace {

using namespace weft::rt;

constexpr std::int64_t kMiB = std::int64_t{1} << 20;

struct RandomTrace {
  std::vector<TimedTask> tasks;
  PolicySettings settings;
  SimulatedLink link;
};

RandomTrace random_trace(unsigned seed) {
  std::mt19937_64 rng(seed);
  RandomTrace r;
  const int n = 1 + static_cast<int>(rng() % 30);
  for (int i = 0; i < n; ++i) {
    TimedTask t;
    t.task.id = 1000 + i;
    // Some empty, some below a partition, some of many partitions.
    const int shape = static_cast<int>(rng() % 4);
    t.task.bytes = shape == 0 ? 0
                   : shape == 1 ? static_cast<std::int64_t>(rng() % 100000)
                                : static_cast<std::int64_t>(rng() % (12 * kMiB));
    t.task.priority = static_cast<std::int64_t>(rng() % 6) - 1;
    // Ready times on a coarse grid, so that several tasks are often ready at once.
    t.ready_seconds = static_cast<double>(rng() % 40) * 0.5e-3;
    r.tasks.push_back(t);
  }
  const std::int64_t partitions[] = {4096, 256 * 1024, kMiB, 4 * kMiB};
  r.settings.partition_bytes = partitions[rng() % 4];
  r.settings.credit_bytes = r.settings.partition_bytes * static_cast<std::int64_t>(1 + rng() % 4) +
                            static_cast<std::int64_t>(rng() % 3) * 1000;
  r.link.bytes_per_second = 1.25e9;
  r.link.latency_seconds = static_cast<double>(rng() % 50) * 1e-6;
  return r;
}

// The arrival numbers the policy must use: tasks in ready order, ties in input order.
std::map<std::int64_t, std::uint64_t> arrivals(const std::vector<TimedTask> &tasks) {
  std::vector<std::size_t> order(tasks.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return tasks[a].ready_seconds < tasks[b].ready_seconds;
  });
  std::map<std::int64_t, std::uint64_t> out;
  for (std::size_t k = 0; k < order.size(); ++k)
    out[tasks[order[k]].task.id] = k;
  return out;
}

TEST(CommPolicy, OnRandomTracesTheGivenChunkHasTheLeastKeyAmongTheReadyOnes) {
  for (unsigned seed = 0; seed < 300; ++seed) {
    const RandomTrace r = random_trace(seed);
    const TransferSimulation sim = simulate_transfers(r.tasks, r.link, r.settings);
    const auto arrival = arrivals(r.tasks);
    std::map<std::int64_t, std::int64_t> given; // task id -> bytes given so far
    std::map<std::int64_t, bool> started;
    for (const DispatchRecord &m : sim.messages) {
      ASSERT_EQ(m.message.pieces.size(), 1u) << "seed " << seed;
      const CommPiece &p = m.message.pieces[0];
      // The least key (priority, arrival, offset) among the chunks ready and not given.
      std::tuple<std::int64_t, std::uint64_t, std::int64_t> least{INT64_MAX, UINT64_MAX, 0};
      std::int64_t least_task = -1;
      for (const TimedTask &t : r.tasks) {
        const bool left = given[t.task.id] < t.task.bytes || (t.task.bytes == 0 && !started[t.task.id]);
        if (t.ready_seconds <= m.given && left) {
          const auto key = std::make_tuple(t.task.priority, arrival.at(t.task.id), given[t.task.id]);
          if (key < least) {
            least = key;
            least_task = t.task.id;
          }
        }
      }
      ASSERT_EQ(p.task, least_task) << "seed " << seed << " at " << m.given << " s";
      ASSERT_EQ(p.offset, given[p.task]) << "seed " << seed;
      const TimedTask &t = *std::find_if(r.tasks.begin(), r.tasks.end(),
                                         [&](const TimedTask &x) { return x.task.id == p.task; });
      ASSERT_EQ(p.length, std::min(r.settings.partition_bytes, t.task.bytes - p.offset));
      given[p.task] += p.length;
      started[p.task] = true;
    }
    for (const TimedTask &t : r.tasks)
      ASSERT_EQ(given[t.task.id], t.task.bytes) << "seed " << seed << ": every byte goes once";
  }
}

TEST(CommPolicy, OnRandomTracesTheBytesInFlightStayWithinTheCreditAtEveryEvent) {
  for (unsigned seed = 0; seed < 300; ++seed) {
    const RandomTrace r = random_trace(seed);
    const TransferSimulation sim = simulate_transfers(r.tasks, r.link, r.settings);
    // Replay: +bytes when given, -bytes when completed; completions first at one instant
    // (as the simulator does).
    std::vector<std::tuple<double, int, std::int64_t>> events;
    for (const DispatchRecord &m : sim.messages) {
      events.emplace_back(m.given, 1, m.message.bytes);
      events.emplace_back(m.completed, 0, -m.message.bytes);
    }
    std::sort(events.begin(), events.end());
    std::int64_t in_flight = 0;
    for (const auto &[time, kind, bytes] : events) {
      in_flight += bytes;
      ASSERT_GE(in_flight, 0);
      ASSERT_LE(in_flight, r.settings.credit_bytes) << "seed " << seed << " at " << time << " s";
    }
    EXPECT_EQ(in_flight, 0);
    EXPECT_LE(sim.max_in_flight, r.settings.credit_bytes);
  }
}

// Every task whole, at the instant it is ready: the order and times of "fifo".
TEST(CommPolicy, WithUnlimitedPartitionAndCreditTheOrderIsFifo) {
  for (unsigned seed = 0; seed < 100; ++seed) {
    RandomTrace r = random_trace(seed);
    // Distinct ready times (at one instant the least priority would go first).
    for (std::size_t i = 0; i < r.tasks.size(); ++i)
      r.tasks[i].ready_seconds += static_cast<double>(i) * 1e-7;
    r.settings.partition_bytes = r.settings.credit_bytes = kUnlimitedBytes;
    const TransferSimulation priority = simulate_transfers(r.tasks, r.link, r.settings);
    r.settings.kind = PolicyKind::Fifo;
    const TransferSimulation fifo = simulate_transfers(r.tasks, r.link, r.settings);
    const auto arrival = arrivals(r.tasks);
    ASSERT_EQ(priority.messages.size(), r.tasks.size());
    ASSERT_EQ(fifo.messages.size(), r.tasks.size());
    for (std::size_t k = 0; k < r.tasks.size(); ++k) {
      const CommPiece &p = priority.messages[k].message.pieces.at(0);
      EXPECT_EQ(arrival.at(p.task), k) << "seed " << seed;
      EXPECT_EQ(p.offset, 0);
      EXPECT_EQ(priority.messages[k].given,
                r.tasks[static_cast<std::size_t>(p.task - 1000)].ready_seconds)
          << "whole, as soon as ready";
      EXPECT_EQ(p.task, fifo.messages[k].message.pieces.at(0).task);
      EXPECT_EQ(priority.messages[k].completed, fifo.messages[k].completed);
    }
  }
}

// Layer 9's 64 MiB gradient is ready first; layer 0's 1 MiB one 1 ms later. Layer 0's goes
// at the next chunk boundary, not after the whole 64 MiB.
TEST(CommPolicy, AnEarlyLayersSmallTensorOvertakesALateLayersLargeOneAtAChunkBoundary) {
  const std::vector<TimedTask> tasks = {{{9, 64 * kMiB, 9}, 0.0}, {{0, kMiB, 0}, 1e-3}};
  const SimulatedLink link{1.25e9, 20e-6};
  PolicySettings s;
  s.partition_bytes = kMiB;
  s.credit_bytes = 2 * kMiB;
  const TransferSimulation priority = simulate_transfers(tasks, link, s);
  // Given at once on its arrival: the next message after 1 ms is layer 0's.
  const auto first_after = std::find_if(priority.messages.begin(), priority.messages.end(),
                                        [](const DispatchRecord &m) { return m.given >= 1e-3; });
  ASSERT_NE(first_after, priority.messages.end());
  EXPECT_EQ(first_after->message.pieces.at(0).task, 0);
  // Behind at most the credit's worth of layer 9's chunks.
  const double chunk_time = static_cast<double>(kMiB) / link.bytes_per_second;
  EXPECT_LE(priority.task_completed[1], 1e-3 + 3 * chunk_time + link.latency_seconds + 1e-9);

  s.kind = PolicyKind::Fifo;
  const TransferSimulation fifo = simulate_transfers(tasks, link, s);
  EXPECT_GT(fifo.task_completed[1], fifo.task_completed[0]);
  EXPECT_GT(fifo.task_completed[1], 10 * priority.task_completed[1]);
}

// 10 layers of 300 KiB: the first bucket (1 MiB) closes after 4 tensors of the backward
// order (9, 8, 7, 6: 1.2 MiB), the rest fit one 25 MiB bucket; a bucket waits for all
// its tensors and for the buckets before it.
TEST(CommPolicy, BucketsFollowDdp) {
  std::vector<TimedTask> tasks;
  for (int l = 9; l >= 0; --l)
    tasks.push_back({{l, 300 * 1024, l}, 1e-3 * (10 - l)});
  PolicySettings s;
  s.kind = PolicyKind::Buckets;
  const auto policy = make_policy(s);
  std::vector<CommTask> plan;
  for (int l = 0; l < 10; ++l)
    plan.push_back({l, 300 * 1024, l});
  policy->plan(plan);
  std::vector<std::vector<std::int64_t>> buckets;
  for (const TimedTask &t : tasks) {
    policy->ready(t.task, t.ready_seconds);
    while (auto m = policy->next(t.ready_seconds)) {
      buckets.emplace_back();
      for (const CommPiece &p : m->pieces)
        buckets.back().push_back(p.task);
      if (buckets.size() == 1) {
        EXPECT_EQ(t.task.id, 6) << "the first bucket goes when layer 6's gradient is ready";
      }
      policy->completed(*m);
    }
  }
  EXPECT_EQ(buckets, (std::vector<std::vector<std::int64_t>>{{9, 8, 7, 6}, {5, 4, 3, 2, 1, 0}}));
}

// Horovod: ready at 1 and 2 ms go fused at the 5 ms cycle; ready at 7 ms, at 10 ms; a
// tensor above the threshold goes alone.
TEST(CommPolicy, FusionGoesOnTheCycleUpToTheThreshold) {
  PolicySettings s;
  s.kind = PolicyKind::Fusion;
  s.fusion_bytes = 10 * kMiB;
  const auto policy = make_policy(s);
  policy->ready({1, kMiB, 0}, 1e-3);
  policy->ready({2, 2 * kMiB, 0}, 2e-3);
  policy->ready({3, 20 * kMiB, 0}, 2e-3);
  EXPECT_FALSE(policy->next(4.9e-3));
  EXPECT_DOUBLE_EQ(policy->wake_time(), 5e-3);
  auto a = policy->next(5e-3);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->pieces.size(), 2u);
  EXPECT_EQ(a->bytes, 3 * kMiB);
  auto b = policy->next(5e-3);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->bytes, 20 * kMiB);
  EXPECT_FALSE(policy->next(5e-3));
  policy->ready({4, kMiB, 0}, 7e-3);
  EXPECT_FALSE(policy->next(9e-3));
  EXPECT_DOUBLE_EQ(policy->wake_time(), 10e-3);
  EXPECT_TRUE(policy->next(10e-3));
}

// The sums of an all-reduce chunk, ready after its first half went, rank as that chunk:
// before the rest of its tensor and before a later tensor of the same priority.
TEST(CommPolicy, AContinuationRanksAsTheChunkItContinues) {
  PolicySettings s;
  s.partition_bytes = kMiB;
  s.credit_bytes = kUnlimitedBytes;
  const auto policy = make_policy(s);
  const std::uint64_t a = policy->ready({1, 3 * kMiB, 5}, 0);
  policy->ready({2, kMiB, 5}, 0);
  auto first = policy->next(0);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->pieces.at(0).task, 1);
  policy->ready({3, kMiB / 2, 5, static_cast<std::int64_t>(a), 0}, 0);
  std::vector<std::pair<std::int64_t, std::int64_t>> order; // (task, offset)
  while (auto m = policy->next(0))
    order.emplace_back(m->pieces.at(0).task, m->pieces.at(0).offset);
  EXPECT_EQ(order, (std::vector<std::pair<std::int64_t, std::int64_t>>{
                       {3, 0}, {1, kMiB}, {1, 2 * kMiB}, {2, 0}}));
  EXPECT_THROW(policy->ready({4, 1, 0, 99, 0}, 0), weft::Error);
}

TEST(CommPolicy, ACreditBelowOnePartitionIsRaisedToIt) {
  PolicySettings s;
  s.partition_bytes = kMiB;
  s.credit_bytes = 1000;
  const auto policy = make_policy(s);
  EXPECT_EQ(policy->settings().credit_bytes, kMiB);
  policy->ready({1, 3 * kMiB, 0}, 0);
  auto m = policy->next(0);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->bytes, kMiB);
  EXPECT_FALSE(policy->next(0)) << "one chunk fills the credit";
  policy->completed(*m);
  EXPECT_TRUE(policy->next(0));
}

std::string error_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const weft::Error &e) {
    return e.what();
  }
  return "";
}

TEST(CommPolicy, BadInputIsAnErrorNamingIt) {
  PolicySettings s;
  s.partition_bytes = 0;
  EXPECT_EQ(error_of([&] { make_policy(s); }),
            "communication policy: the partition size must be at least 1 byte, got 0");
  s = PolicySettings{};
  s.fusion_cycle_seconds = 0;
  EXPECT_NE(error_of([&] { make_policy(s); }).find("fusion cycle"), std::string::npos);
  EXPECT_EQ(error_of([] { parse_policy_kind("lifo"); }),
            "unknown communication policy 'lifo'; the policies are priority, fifo, buckets and "
            "fusion");
  const auto policy = make_policy(PolicySettings{});
  EXPECT_EQ(error_of([&] { policy->ready({7, -1, 0}, 0); }),
            "communication task 7 has -1 bytes");
  policy->ready({7, 100 * kMiB, 0}, 0);
  EXPECT_EQ(error_of([&] { policy->ready({7, 1, 0}, 0); }),
            "communication task 7 is ready again before all its bytes went");
  EXPECT_EQ(error_of([] {
              simulate_transfers({{{1, 1, 0}, -1.0}}, SimulatedLink{}, PolicySettings{});
            }).substr(0, 40),
            "communication trace: task 1 is ready at ");
  EXPECT_NE(error_of([] { simulate_transfers({}, SimulatedLink{0, 0}, PolicySettings{}); })
                .find("bandwidth must be positive"),
            std::string::npos);
}

} // namespace
