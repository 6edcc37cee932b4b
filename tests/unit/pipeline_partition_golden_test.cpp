// CostModel::PipeDream against PipeDream's published optimizer: the same profile,
// workers and flags give the same stages (layer ranges) and replication factors.
//
// How the expected values were obtained: PipeDream's repository (github.com/msr-fiddle/
// pipedream, commit 7db6a1c3e64996d5b319faec6ca38cb31bfea1c4; optimizer/ and graph/ last
// changed in b80d16b8283ee30a285a6d2a35bbdf89b9ea1ea0) run unmodified with Python 3.11.2,
// outside this repository, with stand-ins for the two modules it imports but does not
// need for planning (numpy, used only to print tables, and graphviz, used only to draw),
// from its optimizer/ directory:
//
//   python3 optimizer_graph_hierarchical.py -n <workers> -b 1000000000 [flags]
//       -f tests/unit/pipeline_profiles/<file>.txt
//
// The bandwidth is its default, 10^9 bytes/s. Each case below gives the flags; the
// expected stages are the optimizer's "(Split start, split end) ... replication factor"
// lines, and the times its "Time per stage in pipeline" and "Throughput increase
// (compared to (<n>)-machine DP)" lines. PipeDream sums layer times in the order of a
// Python set, so its times can differ from weft's in the last bits; times are compared to
// 1e-12 relative. Every case has a unique optimum (an enumeration of every plan under
// PipeDream's formulas found no other within 1e-9 of its time), so the order in which the
// two programs visit cut points cannot change the answer.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "weft/rt/pipeline_partition.h"
#include "weft/rt/pipeline_profile.h"

namespace {

using weft::rt::CostModel;
using weft::rt::PartitionOptions;
using weft::rt::PipelinePlan;

struct ExpectedStage {
  int begin, end, replicas;
};

weft::rt::PipelineProfile profile_named(const std::string &file) {
  return weft::rt::read_pipeline_profile(std::string(WEFT_PIPELINE_PROFILES_DIR) + "/" + file);
}

PartitionOptions pipedream(int workers) {
  PartitionOptions options;
  options.model = CostModel::PipeDream;
  options.workers = workers;
  options.link.bandwidth_bytes_per_s = 1e9;
  return options;
}

void expect_plan(const PipelinePlan &plan, const std::vector<ExpectedStage> &stages, double time_s,
                 double speedup) {
  ASSERT_EQ(plan.stages.size(), stages.size());
  for (std::size_t i = 0; i < stages.size(); ++i) {
    SCOPED_TRACE("stage " + std::to_string(i));
    EXPECT_EQ(plan.stages[i].begin, stages[i].begin);
    EXPECT_EQ(plan.stages[i].end, stages[i].end);
    EXPECT_EQ(plan.stages[i].replicas, stages[i].replicas);
  }
  EXPECT_NEAR(plan.time_per_minibatch_s, time_s, 1e-12 * time_s);
  EXPECT_NEAR(plan.speedup_over_data_parallel, speedup, 1e-12 * speedup);
}

// (a) Four layers of 40, 30, 20 and 10 ms with small weights on 4 workers: no cut
// balances the workers better than one stage of all the layers, so every worker runs
// everything. PipeDream: (0, 4) x4; 0.025300000000000003 s; 1.0x over data parallelism.
TEST(PipeDreamGolden, DataParallelismWinsOnSmallWeightsAndUnevenLayers) {
  const PipelinePlan plan =
      weft::rt::partition_pipeline(profile_named("data_parallel_wins.txt"), pipedream(4));
  expect_plan(plan, {{0, 4, 4}}, 0.025300000000000003, 1.0);
  EXPECT_EQ(plan.workers_used, 4);
}

// (b) Four layers of 10 MB of weights each on 2 workers: the all-reduce of 40 MB costs
// more than the compute, and cutting after layer 2 balances 20 ms against 20 ms.
// PipeDream: (0, 2) x1, (2, 4) x1; 0.02 s; 3.0x.
TEST(PipeDreamGolden, TwoStagePipelineWinsOnLargeWeights) {
  const PipelinePlan plan =
      weft::rt::partition_pipeline(profile_named("two_stage_wins.txt"), pipedream(2));
  expect_plan(plan, {{0, 2, 1}, {2, 4, 1}}, 0.02, 3.0);
}

// (c) One convolution of 60 ms with 100 KB of weights between a 9 ms layer with 8 MB and
// fully connected layers with 60 MB, on 5 workers: the heavy layer is a stage of its own
// replicated 3 times. PipeDream: (0, 1) x1, (1, 2) x3, (2, 6) x1; 0.020088888888888885 s;
// 3.04566371681416x.
TEST(PipeDreamGolden, HeavyLayerGetsItsOwnReplicatedStage) {
  const PipelinePlan plan =
      weft::rt::partition_pipeline(profile_named("heavy_layer_replicated.txt"), pipedream(5));
  expect_plan(plan, {{0, 1, 1}, {1, 2, 3}, {2, 6, 1}}, 0.020088888888888885, 3.04566371681416);
  EXPECT_EQ(plan.bottleneck, 1);
  EXPECT_EQ(plan.bound, weft::rt::StageBound::Compute);
}

// (c) with --use_memory_constraint -s 40000000: the first layer alone would stash
// ceil(4 / 1) = 4 copies of its 12 MB, so it joins the heavy layer on 4 replicas.
// PipeDream: (0, 2) x4, (2, 6) x1; 0.023325 s; 2.6231082529474814x.
TEST(PipeDreamGolden, MemoryConstraintMergesTheFirstLayerIntoTheReplicatedStage) {
  PartitionOptions options = pipedream(5);
  options.memory_limit_bytes = 40000000;
  const PipelinePlan plan =
      weft::rt::partition_pipeline(profile_named("heavy_layer_replicated.txt"), options);
  expect_plan(plan, {{0, 2, 4}, {2, 6, 1}}, 0.023325, 2.6231082529474814);
  for (const auto &stage : plan.stages)
    EXPECT_LE(stage.memory_bytes, 40000000);
}

// (c) with --activation_compression_ratio 0.1: activations count ten times their size,
// and the 2 MB out of the heavy layer would take 2 (2e6) / (3 1e9 0.1) = 13.3 ms on 3
// replicas, so the cut moves past the pooling layer (500 KB out).
// PipeDream: (0, 3) x4, (3, 6) x1; 0.023825 s; 2.568058761804827x.
TEST(PipeDreamGolden, CountedActivationsMoveTheCutToTheSmallerOutput) {
  PartitionOptions options = pipedream(5);
  options.activation_compression_ratio = 0.1;
  const PipelinePlan plan =
      weft::rt::partition_pipeline(profile_named("heavy_layer_replicated.txt"), options);
  expect_plan(plan, {{0, 3, 4}, {3, 6, 1}}, 0.023825, 2.568058761804827);
}

// (b) with --straight_pipeline on 3 workers: one replica per stage, three stages.
// PipeDream: (0, 1), (1, 3), (3, 4), each x1; 0.015 s; 3.2592592592592586x.
TEST(PipeDreamGolden, StraightPipelineHasOneReplicaPerStage) {
  PartitionOptions options = pipedream(3);
  options.replicate_stages = false;
  const PipelinePlan plan =
      weft::rt::partition_pipeline(profile_named("two_stage_wins.txt"), options);
  expect_plan(plan, {{0, 1, 1}, {1, 3, 1}, {3, 4, 1}}, 0.015000000000000003, 3.2592592592592586);
}

// Two layers of 10 ms with 50 MB and 60 MB of weights on 3 workers: the third worker can
// only replicate a stage, and its all-reduce costs more than it saves.
// PipeDream: (0, 1) x2, (1, 2) x1; 0.055 s; 1.898989898989899x.
TEST(PipeDreamGolden, ThirdWorkerReplicatesTheStageWithLessWeight) {
  const PipelinePlan plan =
      weft::rt::partition_pipeline(profile_named("idle_worker_wins.txt"), pipedream(3));
  expect_plan(plan, {{0, 1, 2}, {1, 2, 1}}, 0.055, 1.898989898989899);
  EXPECT_EQ(plan.bound, weft::rt::StageBound::WeightAllReduce);
}

// The same with --use_fewer_machines: the third worker stays idle.
// PipeDream: (0, 1) x1, (1, 2) x1; 0.01 s; 10.444444444444445x; "Number of machines in
// budget not used: 1".
TEST(PipeDreamGolden, FewerMachinesLeavesTheThirdWorkerIdle) {
  PartitionOptions options = pipedream(3);
  options.allow_idle_workers = true;
  const PipelinePlan plan =
      weft::rt::partition_pipeline(profile_named("idle_worker_wins.txt"), options);
  expect_plan(plan, {{0, 1, 1}, {1, 2, 1}}, 0.01, 10.444444444444445);
  EXPECT_EQ(plan.workers_used, 2);
}

} // namespace
