// The weft cost model of partition_pipeline on cases small enough to price by hand (the
// link model, the memory limit, overlapped communication, idle workers), its option
// errors, and explain()'s text.
#include <gtest/gtest.h>

#include <string>

#include "weft/rt/pipeline_partition.h"
#include "weft/rt/pipeline_profile.h"

namespace {

using weft::rt::LayerProfile;
using weft::rt::PartitionOptions;
using weft::rt::PipelinePlan;
using weft::rt::PipelineProfile;
using weft::rt::StageBound;

// Two layers of 10 ms each (forward + backward), 100 MB of weights each; the first's
// output is `activation` bytes.
PipelineProfile two_heavy_layers(double activation) {
  PipelineProfile p;
  p.input_bytes = 1000;
  p.layers = {LayerProfile{"first", 4, 6, activation, 1e8}, LayerProfile{"second", 3, 7, 0, 1e8}};
  return p;
}

PartitionOptions two_workers(double latency_s) {
  PartitionOptions options;
  options.workers = 2;
  options.link = {1e9, latency_s};
  return options;
}

std::string error_of(const PipelineProfile &profile, const PartitionOptions &options) {
  try {
    weft::rt::partition_pipeline(profile, options);
  } catch (const weft::Error &e) {
    return e.what();
  }
  return "";
}

// Data parallelism: C = 20 ms, W = 2 (2 - 1) (1 ms + 2e8 / (2 * 1e9)) = 202 ms, so
// (20 + 202) / 2 = 111 ms. Two stages: C = 10 ms, X = 2 (1 ms + 1e6 / 1e9) = 4 ms each,
// 14 ms per minibatch, bounded by compute (10 ms > 4 ms).
TEST(PipelinePartitionWeft, LinkLatencyAndBandwidthPriceTheActivationTransfer) {
  const PipelinePlan plan = weft::rt::partition_pipeline(two_heavy_layers(1e6), two_workers(1e-3));
  ASSERT_EQ(plan.stages.size(), 2u);
  EXPECT_EQ(plan.stages[0].end, 1);
  EXPECT_EQ(plan.stages[1].replicas, 1);
  EXPECT_DOUBLE_EQ(plan.stages[0].compute_s, 0.010);
  EXPECT_DOUBLE_EQ(plan.stages[0].activation_s, 0.004);
  EXPECT_DOUBLE_EQ(plan.stages[0].weight_all_reduce_s, 0);
  EXPECT_DOUBLE_EQ(plan.time_per_minibatch_s, 0.014);
  EXPECT_DOUBLE_EQ(plan.data_parallel_time_s, 0.111);
  EXPECT_DOUBLE_EQ(plan.speedup_over_data_parallel, 0.111 / 0.014);
  EXPECT_EQ(plan.bottleneck, 0);
  EXPECT_EQ(plan.bound, StageBound::Compute);
}

// Without latency the transfer is 2 (1e6 / 1e9) = 2 ms: 12 ms per minibatch.
TEST(PipelinePartitionWeft, ZeroLatencyLeavesOnlyTheBandwidthTerm) {
  const PipelinePlan plan = weft::rt::partition_pipeline(two_heavy_layers(1e6), two_workers(0));
  EXPECT_DOUBLE_EQ(plan.stages[1].activation_s, 0.002);
  EXPECT_DOUBLE_EQ(plan.time_per_minibatch_s, 0.012);
}

// A 10 MB activation: X = 2 (1 ms + 10 ms) = 22 ms > C = 10 ms; 32 ms per minibatch,
// still better than data parallelism's 111 ms.
TEST(PipelinePartitionWeft, LargeActivationMakesTheTransferTheBound) {
  const PipelinePlan plan = weft::rt::partition_pipeline(two_heavy_layers(1e7), two_workers(1e-3));
  ASSERT_EQ(plan.stages.size(), 2u);
  EXPECT_DOUBLE_EQ(plan.time_per_minibatch_s, 0.032);
  EXPECT_EQ(plan.bound, StageBound::ActivationTransfer);
}

// Overlapped: a stage takes max(C, W + X) = max(10, 22) = 22 ms; data parallelism
// max(20, 202) / 2 = 101 ms.
TEST(PipelinePartitionWeft, OverlapTakesTheLargerOfComputeAndCommunication) {
  PartitionOptions options = two_workers(1e-3);
  options.overlap_communication = true;
  const PipelinePlan plan = weft::rt::partition_pipeline(two_heavy_layers(1e7), options);
  ASSERT_EQ(plan.stages.size(), 2u);
  EXPECT_DOUBLE_EQ(plan.time_per_minibatch_s, 0.022);
  EXPECT_DOUBLE_EQ(plan.data_parallel_time_s, 0.101);
  EXPECT_EQ(plan.bound, StageBound::ActivationTransfer);
}

// One layer can only be replicated: C = 10 ms, W = 2 (1e8 / 2e9) = 100 ms,
// (10 + 100) / 2 = 55 ms, bounded by the all-reduce; the same as data parallelism.
TEST(PipelinePartitionWeft, SingleLayerIsDataParallelBoundByTheAllReduce) {
  PipelineProfile p = two_heavy_layers(0);
  p.layers.pop_back();
  const PipelinePlan plan = weft::rt::partition_pipeline(p, two_workers(0));
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.stages[0].replicas, 2);
  EXPECT_DOUBLE_EQ(plan.time_per_minibatch_s, 0.055);
  EXPECT_EQ(plan.bound, StageBound::WeightAllReduce);
  EXPECT_DOUBLE_EQ(plan.speedup_over_data_parallel, 1.0);
}

// Allowed to leave a worker idle, one replica takes 10 ms instead of 55.
TEST(PipelinePartitionWeft, IdleWorkerBeatsAnExpensiveAllReduceWhenAllowed) {
  PipelineProfile p = two_heavy_layers(0);
  p.layers.pop_back();
  PartitionOptions options = two_workers(0);
  options.allow_idle_workers = true;
  const PipelinePlan plan = weft::rt::partition_pipeline(p, options);
  EXPECT_EQ(plan.workers_used, 1);
  EXPECT_EQ(plan.stages[0].replicas, 1);
  EXPECT_DOUBLE_EQ(plan.time_per_minibatch_s, 0.010);
  EXPECT_DOUBLE_EQ(plan.speedup_over_data_parallel, 5.5);
}

// Layers of 4 ms (1 MB output, no weights) and 16 ms (100 MB of weights) on a 1e11 B/s
// link. Data parallelism: W = 2 (1e8 / 2e11) = 1 ms, (20 + 1) / 2 = 10.5 ms, holding
// 1e6 + 1e8 bytes per worker. Two stages: the first holds ceil(2 / 1) = 2 minibatches of
// 1 MB, the second 1e8; 16 ms + 2 (1e6 / 1e11) = 16.02 ms.
PipelineProfile small_then_big() {
  PipelineProfile p;
  p.layers = {LayerProfile{"small", 1, 3, 1e6, 0}, LayerProfile{"big", 6, 10, 0, 1e8}};
  return p;
}

TEST(PipelinePartitionWeft, WithoutMemoryLimitDataParallelismWins) {
  PartitionOptions options = two_workers(0);
  options.link.bandwidth_bytes_per_s = 1e11;
  const PipelinePlan plan = weft::rt::partition_pipeline(small_then_big(), options);
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_DOUBLE_EQ(plan.time_per_minibatch_s, 0.0105);
  EXPECT_DOUBLE_EQ(plan.stages[0].memory_bytes, 1.01e8);
}

TEST(PipelinePartitionWeft, MemoryLimitForcesThePipeline) {
  PartitionOptions options = two_workers(0);
  options.link.bandwidth_bytes_per_s = 1e11;
  options.memory_limit_bytes = 1e8;
  const PipelinePlan plan = weft::rt::partition_pipeline(small_then_big(), options);
  ASSERT_EQ(plan.stages.size(), 2u);
  EXPECT_DOUBLE_EQ(plan.stages[0].memory_bytes, 2e6);
  EXPECT_DOUBLE_EQ(plan.stages[1].memory_bytes, 1e8);
  EXPECT_DOUBLE_EQ(plan.time_per_minibatch_s, 0.01602);
  EXPECT_EQ(plan.bottleneck, 1);
  EXPECT_FALSE(plan.data_parallel_fits_memory);
  EXPECT_DOUBLE_EQ(plan.speedup_over_data_parallel, 0.0105 / 0.01602);
}

TEST(PipelinePartitionWeft, MemoryLimitNothingFitsIsAnError) {
  PartitionOptions options = two_workers(0);
  options.memory_limit_bytes = 5e7;
  EXPECT_EQ(error_of(small_then_big(), options),
            "partition_pipeline: no plan of 2 layers on 2 workers fits within 50000000 bytes "
            "per worker");
}

TEST(PipelinePartitionWeft, StraightPipelineNeedsALayerPerWorker) {
  PartitionOptions options = two_workers(0);
  options.workers = 3;
  options.replicate_stages = false;
  EXPECT_EQ(error_of(small_then_big(), options),
            "partition_pipeline: no plan of 2 layers on 3 workers fits with one worker per "
            "stage (3 workers, 2 layers)");
}

TEST(PipelinePartitionOptions, InvalidOptionsAreNamed) {
  const PipelineProfile p = small_then_big();
  PartitionOptions options = two_workers(0);
  options.workers = 0;
  EXPECT_EQ(error_of(p, options), "partition_pipeline: workers is 0; expected at least 1");
  options = two_workers(0);
  options.link.bandwidth_bytes_per_s = 0;
  EXPECT_EQ(error_of(p, options),
            "partition_pipeline: link.bandwidth_bytes_per_s must be a positive number");
  options = two_workers(1e-6);
  options.model = weft::rt::CostModel::PipeDream;
  EXPECT_EQ(error_of(p, options), "partition_pipeline: the PipeDream cost model has no link "
                                  "latency; set link.latency_s to 0");
  options = two_workers(0);
  options.activation_compression_ratio = 2;
  EXPECT_NE(error_of(p, options).find("activation_compression_ratio is for the PipeDream"),
            std::string::npos);
  PipelineProfile empty;
  EXPECT_EQ(error_of(empty, two_workers(0)),
            "partition_pipeline: profile: layers: expected at least one layer");
}

TEST(PipelinePartitionExplain, NamesStagesLayersReplicasBottleneckAndSpeedup) {
  const PipelineProfile p = two_heavy_layers(1e7);
  const PipelinePlan plan = weft::rt::partition_pipeline(p, two_workers(1e-3));
  const std::string text = weft::rt::explain(plan, p);
  EXPECT_NE(text.find("pipeline plan: 2 stages on 2 workers\n"), std::string::npos) << text;
  EXPECT_NE(text.find("stage 0: layers 0..0 (first), 1 replica; per minibatch: compute "
                      "10.000 ms, weight all-reduce 0.000 ms, activation transfer 22.000 ms, "
                      "stage time 32.000 ms"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("stage 1: layers 1..1 (second), 1 replica"), std::string::npos) << text;
  EXPECT_NE(text.find("bottleneck: stage 0, bound by activation transfer\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("predicted time per minibatch: 32.000 ms; pure data parallelism: "
                      "111.000 ms; predicted speedup over pure data parallelism: 3.47x\n"),
            std::string::npos)
      << text;
}

TEST(PipelinePartitionExplain, ListsEveryLayerOfAReplicatedStage) {
  PipelineProfile p;
  p.layers = {LayerProfile{"a", 1, 1, 1, 1}, LayerProfile{"b", 1, 1, 1, 1},
              LayerProfile{"c", 1, 1, 1, 1}};
  PartitionOptions options;
  options.workers = 3;
  options.link = {1e12, 0};
  const PipelinePlan plan = weft::rt::partition_pipeline(p, options);
  const std::string text = weft::rt::explain(plan, p);
  EXPECT_NE(text.find("stage 0: layers 0..2 (a, b, c), 3 replicas"), std::string::npos) << text;
  EXPECT_NE(text.find("pipeline plan: 1 stage on 3 workers"), std::string::npos) << text;
}

} // namespace
