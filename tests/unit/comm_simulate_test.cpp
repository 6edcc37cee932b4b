// The simulator (comm_simulate.h): a replicated pipeline stage's boundary transfers wait
// behind at most one chunk of its gradient all-reduce, and the training model against
// bounds worked out by hand.
#include <gtest/gtest.h>
#include <weft/rt/comm_simulate.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace {

using namespace weft::rt;

constexpr std::int64_t kMiB = std::int64_t{1} << 20;

// Stage 1 of a 2-stage pipeline, replicated twice, as seen from one replica's link: per
// step, 8 microbatches (forward 1 ms, backward 2 ms), each backward ending in a 512 KiB
// boundary gradient for stage 0 (critical priority); at the end of a step its 4 layers'
// 16 MiB gradients are ready for the all-reduce with the other replica, which runs
// during the next step's microbatches. Returns the trace and the boundary tasks' ids.
std::vector<TimedTask> replicated_stage_trace(std::vector<std::int64_t> &boundaries) {
  std::vector<TimedTask> tasks;
  double t = 0;
  std::int64_t id = 0;
  for (int step = 0; step < 3; ++step) {
    for (int m = 0; m < 8; ++m) {
      t += 3e-3;
      boundaries.push_back(id);
      tasks.push_back({{id++, 512 * 1024, kCriticalPriority}, t});
    }
    for (int l = 3; l >= 0; --l)
      tasks.push_back({{id++, 16 * kMiB, l}, t});
  }
  return tasks;
}

// How many other messages a boundary transfer waited behind: those on the link between
// its ready time and its own start.
int most_messages_waited_behind(const TransferSimulation &sim, const std::vector<TimedTask> &tasks,
                                const std::vector<std::int64_t> &boundaries) {
  int most = 0;
  for (std::int64_t b : boundaries) {
    const double ready = tasks[static_cast<std::size_t>(b)].ready_seconds;
    const auto own = std::find_if(sim.messages.begin(), sim.messages.end(), [&](const DispatchRecord &m) {
      return m.message.pieces.at(0).task == b;
    });
    EXPECT_NE(own, sim.messages.end());
    int behind = 0;
    for (const DispatchRecord &m : sim.messages) {
      if (m.message.pieces.at(0).task != b && m.link_end > ready && m.link_start < own->link_start)
        ++behind;
    }
    most = std::max(most, behind);
  }
  return most;
}

TEST(CommSimulate, OnAPipelineWithAReplicatedStageNoBoundaryTransferWaitsBehindMoreThanOneChunk) {
  std::vector<std::int64_t> boundaries;
  const std::vector<TimedTask> tasks = replicated_stage_trace(boundaries);
  const SimulatedLink link{1.25e9, 20e-6}; // 10 Gb/s: a 16 MiB gradient takes 13 ms
  PolicySettings s;
  s.partition_bytes = kMiB;
  s.credit_bytes = kMiB; // one chunk in flight
  const TransferSimulation priority = simulate_transfers(tasks, link, s);
  EXPECT_LE(most_messages_waited_behind(priority, tasks, boundaries), 1);
  // Without scheduling a boundary transfer waits behind whole gradients.
  s.kind = PolicyKind::Fifo;
  const TransferSimulation fifo = simulate_transfers(tasks, link, s);
  EXPECT_GE(most_messages_waited_behind(fifo, tasks, boundaries), 2);
  double worst_priority = 0, worst_fifo = 0;
  for (std::int64_t b : boundaries) {
    const auto i = static_cast<std::size_t>(b);
    worst_priority = std::max(worst_priority, priority.task_completed[i] - tasks[i].ready_seconds);
    worst_fifo = std::max(worst_fifo, fifo.task_completed[i] - tasks[i].ready_seconds);
  }
  EXPECT_LT(worst_priority, 2 * (static_cast<double>(kMiB) / link.bytes_per_second) + 50e-6);
  EXPECT_GT(worst_fifo, 10 * worst_priority);
}

TEST(CommSimulate, WithAFreeLinkAStepTakesItsComputation) {
  std::vector<LayerTiming> layers(6, LayerTiming{1e-3, 2e-3, 8 * kMiB});
  const TrainingSimulation sim = simulate_training(layers, SimulatedLink{1e15, 0}, PolicySettings{}, 5);
  EXPECT_NEAR(sim.step_seconds, sim.compute_seconds, 1e-7);
  EXPECT_NEAR(sim.compute_seconds, 18e-3, 1e-12);
}

// Communication ~ computation: priority overlaps the all-reduces with the next forward,
// FIFO waits for the last layer's before layer 0's.
TEST(CommSimulate, PriorityBeatsFifoWhenCommunicationMatchesComputation) {
  std::vector<LayerTiming> layers;
  for (int l = 0; l < 8; ++l)
    layers.push_back({1e-3, 2e-3, (l < 4 ? 2 : 12) * kMiB});
  const SimulatedLink link{1.25e9, 20e-6};
  PolicySettings s;
  s.partition_bytes = kMiB;
  s.credit_bytes = 2 * kMiB;
  const double priority = simulate_training(layers, link, s, 6).step_seconds;
  s.kind = PolicyKind::Fifo;
  const double fifo = simulate_training(layers, link, s, 6).step_seconds;
  s.kind = PolicyKind::Buckets;
  const double buckets = simulate_training(layers, link, s, 6).step_seconds;
  s.kind = PolicyKind::Fusion;
  const double fusion = simulate_training(layers, link, s, 6).step_seconds;
  EXPECT_LT(priority * 1.1, fifo);
  EXPECT_LT(priority, buckets);
  EXPECT_LT(priority, fusion);
}

// A cost per message makes many small chunks slower than a few large ones.
TEST(CommSimulate, ACostPerMessageFavoursLargerPartitions) {
  const std::vector<TimedTask> tasks = {{{1, 16 * kMiB, 0}, 0.0}};
  SimulatedLink link{1.25e9, 0, 0};
  PolicySettings small, large;
  small.partition_bytes = small.credit_bytes = 64 * 1024;
  large.partition_bytes = large.credit_bytes = 4 * kMiB;
  EXPECT_NEAR(simulate_transfers(tasks, link, small).makespan,
              simulate_transfers(tasks, link, large).makespan, 1e-9);
  link.message_seconds = 100e-6;
  const double with_small = simulate_transfers(tasks, link, small).makespan;
  const double with_large = simulate_transfers(tasks, link, large).makespan;
  EXPECT_NEAR(with_small - with_large, (256 - 4) * 100e-6, 1e-9);
  EXPECT_THROW(simulate_transfers(tasks, SimulatedLink{1e9, 0, -1}, small), weft::Error);
}

TEST(CommSimulate, ATrainingTraceNeedsThreeStepsAndSaneLayers) {
  const std::vector<LayerTiming> layers(2, LayerTiming{1e-3, 1e-3, 1});
  EXPECT_THROW(simulate_training(layers, SimulatedLink{}, PolicySettings{}, 2), weft::Error);
  EXPECT_THROW(simulate_training({}, SimulatedLink{}, PolicySettings{}, 3), weft::Error);
  EXPECT_THROW(simulate_training({{-1, 0, 0}}, SimulatedLink{}, PolicySettings{}, 3), weft::Error);
}

} // namespace
