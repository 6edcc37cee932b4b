// weft/rt/pipeline_partition.h — the pipeline planner: how to cut a chain of layers into
// stages, and how many workers (processes or GPUs) run each stage as replicas, so that
// a minibatch takes the least time in the steady state of a pipeline with weight
// stashing (PipeDream's 1F1B). Backend-neutral: it reads a PipelineProfile and a link
// model, and returns a PipelinePlan.
//
//   weft::rt::PartitionOptions options;
//   options.workers = 8;
//   options.link = {10e9, 5e-6};        // bytes/s, seconds per message
//   weft::rt::PipelinePlan plan = weft::rt::partition_pipeline(profile, options);
//   std::cout << weft::rt::explain(plan, profile);
//
// A stage is a contiguous range of layers [b, e) run by r replicas; each replica takes
// every r-th minibatch, so the stage's time per minibatch is its time for one minibatch
// divided by r. With C the stage's forward + backward time, P its weight bytes, A the
// bytes of its layers' outputs, a_l layer l's output bytes, and the link (alpha seconds
// per message, beta bytes per second), the weft cost model is:
//
//   weight all-reduce (ring)   W = 2 (r - 1) (alpha + P / (r beta))            (0 if r = 1)
//   activation transfers       X = 2 (alpha + a_{b-1} / beta) [b > 0]
//                                + 2 (alpha + a_{e-1} / beta) [e < n]
//                              (each boundary carries the activation forward and its
//                              gradient back, every minibatch)
//   stage time                 t = (C + W + X) / r          (additive, the default)
//                              t = max(C, W + X) / r        (overlap_communication)
//   memory per worker          ceil(w / r) (A + P)
//
// where w is the number of workers in this stage and the ones after it (1F1B keeps
// ceil(w / r) minibatches in flight at a replica, each with its activations and its
// stashed version of the weights). With T(b, w) the best time for layers [b, n) on w
// workers, the planner solves
//
//   T(n, 0) = 0,   T(b, w) = min over b < e <= n, 1 <= r <= w, memory <= limit of
//                            max(t(b, e, r), T(e, w - r))
//
// and the plan is T(0, workers) (or the least T(0, w), w <= workers, when idle workers are
// allowed). Pure data parallelism is the one stage [0, n) on every worker.
//
// CostModel::PipeDream reproduces the optimizer PipeDream published
// (msr-fiddle/pipedream, optimizer/optimizer_graph_hierarchical.py, one level of
// hierarchy): its all-reduce W = 4 (r - 1) P / (r beta), no latency, no activation
// transfers unless an activation compression ratio is given (then the transfers into and
// out of a stage, 2 a / (r beta ratio) each, bound the pipeline as well), its memory
// estimate ceil((workers - w') / r) (A + P) with w' the workers up to and including the
// stage, and its dynamic program over prefixes. The same profile, workers, bandwidth and
// flags give the same time per minibatch, and the same splits and replication whenever
// no other plan takes equally long: among plans of equal time PipeDream keeps the first
// it meets in the order of a Python set, weft the first in layer order.
#pragma once

#include <string>
#include <vector>

#include "weft/detail/error.h"
#include "weft/rt/pipeline_profile.h"

namespace weft::rt {

// The network between two workers.
struct LinkModel {
  double bandwidth_bytes_per_s = 1e9;
  double latency_s = 0; // per message
};

enum class CostModel {
  Weft,      // the model above
  PipeDream, // the cost model and plans of PipeDream's optimizer
};

struct PartitionOptions {
  int workers = 1; // processes or GPUs available
  LinkModel link;
  // Memory of one worker, bytes; 0: no limit (PipeDream: --use_memory_constraint -s).
  double memory_limit_bytes = 0;
  // Communication runs during compute: a stage takes max(C, W + X) / r, not the sum.
  // Weft model only.
  bool overlap_communication = false;
  // false: every stage has one replica (PipeDream: --straight_pipeline).
  bool replicate_stages = true;
  // true: the plan may leave workers idle when that is faster (PipeDream:
  // --use_fewer_machines); false: it uses exactly `workers`.
  bool allow_idle_workers = false;
  CostModel model = CostModel::Weft;
  // PipeDream model only (--activation_compression_ratio): 0 leaves activation transfers
  // out, as PipeDream does by default; a ratio q > 0 counts them, divided by q.
  double activation_compression_ratio = 0;
};

// What bounds a stage's time.
enum class StageBound { Compute, ActivationTransfer, WeightAllReduce };

// "compute", "activation transfer", "weight all-reduce".
const char *bound_name(StageBound bound);

// One stage of a plan. Times are seconds per minibatch at this stage (its time for one
// minibatch divided by its replicas).
struct PipelineStage {
  int begin = 0, end = 0; // layers [begin, end)
  int replicas = 1;
  double compute_s = 0;           // C / r
  double weight_all_reduce_s = 0; // W / r
  double activation_s = 0;        // X / r (PipeDream model: the larger transfer, or 0)
  double communication_s = 0;     // weight_all_reduce_s + activation_s
  double time_s = 0;              // the stage's time per minibatch under the cost model
  double memory_bytes = 0;        // per worker, under the cost model
};

struct PipelinePlan {
  std::vector<PipelineStage> stages; // in layer order, covering every layer
  int workers_used = 0;
  int bottleneck = 0;                     // index of the slowest stage (the first of equal ones)
  StageBound bound = StageBound::Compute; // what bounds the bottleneck stage
  double time_per_minibatch_s = 0;        // the slowest stage's time: the pipeline's throughput
  // Pure data parallelism on all the workers, under the same cost model.
  double data_parallel_time_s = 0;
  bool data_parallel_fits_memory = true;
  double speedup_over_data_parallel = 0; // data_parallel_time_s / time_per_minibatch_s
};

// The plan of least time per minibatch. Throws weft::Error when the options are invalid
// (no workers, a non-positive bandwidth, a weft-only option with the PipeDream model) or
// when no plan fits the memory limit.
PipelinePlan partition_pipeline(const PipelineProfile &profile, const PartitionOptions &options);

// A few lines for people: each stage with its layers by name, replicas and times, the
// bottleneck and what bounds it, and the predicted speedup over pure data parallelism.
std::string explain(const PipelinePlan &plan, const PipelineProfile &profile);

} // namespace weft::rt
