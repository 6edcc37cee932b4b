// The pipeline planner (pipeline_partition.h): the weft cost model's dynamic program over
// suffixes, PipeDream's over prefixes, and the PipelinePlan both return.
#include "weft/rt/pipeline_partition.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace weft::rt {
namespace {

constexpr double kNone = std::numeric_limits<double>::infinity(); // no feasible plan

#define WEFT_PLAN_CHECK(condition) ((condition) ? (void)0 : internal_error(__LINE__, #condition))

[[noreturn]] void internal_error(int line, const char *condition) {
  throw std::logic_error(
      std::string("weft: internal error at dsm-runtime/pipeline_partition.cpp:") +
      std::to_string(line) + ": " + condition);
}

// ceil(a / b) for a >= 0, b > 0.
long long ceil_div(long long a, long long b) { return (a + b - 1) / b; }

// Sums over layer ranges: the sum over [b, e) of a figure is at[e] - at[b].
struct PrefixSums {
  std::vector<double> compute_s, activation_bytes, weight_bytes;
  std::vector<double> output_bytes; // a_l, layer l's output

  explicit PrefixSums(const PipelineProfile &profile) {
    const std::size_t n = profile.layers.size();
    compute_s.assign(n + 1, 0.0);
    activation_bytes.assign(n + 1, 0.0);
    weight_bytes.assign(n + 1, 0.0);
    for (std::size_t l = 0; l < n; ++l) {
      const LayerProfile &layer = profile.layers[l];
      // Milliseconds to seconds per layer, then summed in layer order, as PipeDream does.
      compute_s[l + 1] = compute_s[l] + (layer.forward_ms + layer.backward_ms) / 1000.0;
      activation_bytes[l + 1] = activation_bytes[l] + layer.activation_bytes;
      weight_bytes[l + 1] = weight_bytes[l] + layer.weight_bytes;
      output_bytes.push_back(layer.activation_bytes);
    }
  }
  double compute(int b, int e) const { return compute_s[e] - compute_s[b]; }
  double activations(int b, int e) const { return activation_bytes[e] - activation_bytes[b]; }
  double weights(int b, int e) const { return weight_bytes[e] - weight_bytes[b]; }
};

// A stage as the dynamic programs choose it, before its costs are filled in.
struct Cut {
  int begin, end, replicas;
};

// ---- the weft cost model ----

// The stage [b, e) on r replicas (pipeline_partition.h): its terms and time.
PipelineStage weft_stage(const PrefixSums &sums, const PartitionOptions &options, int n, int b,
                         int e, int r) {
  const double alpha = options.link.latency_s, beta = options.link.bandwidth_bytes_per_s;
  const double c = sums.compute(b, e), p = sums.weights(b, e);
  // Ring all-reduce: 2 (r - 1) steps, each a message of P / r bytes.
  const double w = r > 1 ? 2.0 * (r - 1) * (alpha + p / (r * beta)) : 0.0;
  // Activation forward and gradient back across each boundary the stage has.
  double x = 0;
  if (b > 0)
    x += 2.0 * (alpha + sums.output_bytes[b - 1] / beta);
  if (e < n)
    x += 2.0 * (alpha + sums.output_bytes[e - 1] / beta);
  PipelineStage s;
  s.begin = b;
  s.end = e;
  s.replicas = r;
  s.compute_s = c / r;
  s.weight_all_reduce_s = w / r;
  s.activation_s = x / r;
  s.communication_s = (w + x) / r;
  s.time_s = options.overlap_communication ? std::max(c, w + x) / r : (c + w + x) / r;
  return s;
}

// Bytes a worker of stage [b, e) holds when w workers run it and the stages after it.
double weft_memory(const PrefixSums &sums, int b, int e, int r, int w) {
  return static_cast<double>(ceil_div(w, r)) * (sums.activations(b, e) + sums.weights(b, e));
}

bool fits(double bytes, const PartitionOptions &options) {
  return options.memory_limit_bytes == 0 || bytes <= options.memory_limit_bytes;
}

// T(b, w) of pipeline_partition.h for every b and w, then the cuts of the best T(0, w).
std::vector<Cut> weft_cuts(const PrefixSums &sums, const PartitionOptions &options, int n) {
  const int workers = options.workers;
  const auto at = [&](int b, int w) { return static_cast<std::size_t>(b) * (workers + 1) + w; };
  std::vector<double> best((n + 1) * static_cast<std::size_t>(workers + 1), kNone);
  std::vector<Cut> choice(best.size(), Cut{0, 0, 0});
  best[at(n, 0)] = 0; // no layers left, no workers left
  for (int b = n - 1; b >= 0; --b)
    for (int w = 1; w <= workers; ++w)
      for (int e = b + 1; e <= n; ++e)
        for (int r = 1; r <= (options.replicate_stages ? w : 1); ++r) {
          const double rest = best[at(e, w - r)];
          if (rest == kNone || !fits(weft_memory(sums, b, e, r, w), options))
            continue;
          const double t = std::max(weft_stage(sums, options, n, b, e, r).time_s, rest);
          if (t < best[at(b, w)]) {
            best[at(b, w)] = t;
            choice[at(b, w)] = Cut{b, e, r};
          }
        }
  int w = workers;
  if (options.allow_idle_workers)
    for (int fewer = 1; fewer <= workers; ++fewer)
      if (best[at(0, fewer)] < best[at(0, w)])
        w = fewer;
  if (best[at(0, w)] == kNone)
    return {};
  std::vector<Cut> cuts;
  for (int b = 0; b < n;) {
    const Cut cut = choice[at(b, w)];
    WEFT_PLAN_CHECK(cut.begin == b && cut.end > b && cut.replicas >= 1 && cut.replicas <= w);
    cuts.push_back(cut);
    w -= cut.replicas;
    b = cut.end;
  }
  WEFT_PLAN_CHECK(w == 0);
  return cuts;
}

// ---- PipeDream's cost model ----

// The stage [b, e) on r replicas as PipeDream prices it. PipeDream counts a cut's
// transfers (with a compression ratio) in the stage after the cut, which is also charged
// with its own output's; so the first stage (b = 0) is priced as data parallelism alone.
PipelineStage pipedream_stage(const PrefixSums &sums, const PartitionOptions &options, int n, int b,
                              int e, int r) {
  const double beta = options.link.bandwidth_bytes_per_s;
  const double c = sums.compute(b, e), p = sums.weights(b, e);
  const double w = (4.0 * (r - 1) * p) / (beta * r);
  PipelineStage s;
  s.begin = b;
  s.end = e;
  s.replicas = r;
  s.compute_s = c / r;
  s.weight_all_reduce_s = w / r;
  s.time_s = (c + w) / r;
  const double ratio = options.activation_compression_ratio;
  if (b > 0 && ratio > 0) {
    // A transfer of a bytes, forward and back, spread over the stage's r replicas.
    const double in = (2.0 * sums.output_bytes[b - 1]) / (beta * r) / ratio;
    const double out = e < n ? (2.0 * sums.output_bytes[e - 1]) / (beta * r) / ratio : 0.0;
    s.activation_s = std::max(in, out);
    s.time_s = std::max(s.time_s, s.activation_s);
  }
  s.communication_s = s.weight_all_reduce_s + s.activation_s;
  return s;
}

// PipeDream's estimate of a worker's bytes: ceil((workers - through) / r) (A + P), with
// `through` the workers up to and including the stage.
double pipedream_memory(const PrefixSums &sums, const PartitionOptions &options, int b, int e,
                        int r, int through) {
  return (sums.activations(b, e) + sums.weights(b, e)) *
         static_cast<double>(ceil_div(options.workers - through, r));
}

// One entry of PipeDream's table: the best time for layers [0, j] on m + 1 workers, the
// last layer k of the prefix before the last stage (-1: one stage) with that prefix's m,
// and the last stage's replicas.
struct PrefixEntry {
  double time = kNone;
  int split = -1, split_m = -1, replicas = 0;
};

// PipeDream's table A[j][m] over prefixes [0, j] on m + 1 workers:
//
//   A[j][m] = min( (C(0, j) + 4 m P(0, j) / ((m + 1) beta)) / (m + 1),
//                  min over k < j, 1 <= r <= m of max(A[k][m - r], stage(k + 1, j, r)) )
//
// (with --use_fewer_machines also A[j][m - 1]), then the cuts of A[n - 1][workers - 1].
std::vector<Cut> pipedream_cuts(const PrefixSums &sums, const PartitionOptions &options, int n) {
  const int workers = options.workers;
  const auto at = [&](int j, int m) { return static_cast<std::size_t>(j) * workers + m; };
  std::vector<PrefixEntry> table(static_cast<std::size_t>(n) * workers);
  for (int j = 0; j < n; ++j)
    for (int m = 0; m < (options.replicate_stages ? workers : 1); ++m)
      if (fits(pipedream_memory(sums, options, 0, j + 1, m + 1, m + 1), options))
        table[at(j, m)] =
            PrefixEntry{pipedream_stage(sums, options, n, 0, j + 1, m + 1).time_s, -1, -1, m + 1};
  for (int m = 1; m < workers; ++m)
    for (int j = 1; j < n; ++j) {
      PrefixEntry best = table[at(j, m)];
      if (options.allow_idle_workers && table[at(j, m - 1)].time < best.time)
        best = table[at(j, m - 1)];
      if (options.allow_idle_workers && best.time == kNone)
        best = table[at(j, m - 1)];
      for (int k = 0; k < j; ++k)
        for (int r = 1; r <= (options.replicate_stages ? m : 1); ++r) {
          if (!fits(pipedream_memory(sums, options, k + 1, j + 1, r, m + 1), options))
            continue;
          const double before = table[at(k, m - r)].time;
          if (before == kNone)
            continue;
          const double t =
              std::max(before, pipedream_stage(sums, options, n, k + 1, j + 1, r).time_s);
          if (best.time == kNone || best.time > t)
            best = PrefixEntry{t, k, m - r, r};
        }
      table[at(j, m)] = best;
    }
  PrefixEntry entry = table[at(n - 1, workers - 1)];
  if (entry.time == kNone)
    return {};
  std::vector<Cut> cuts;
  int end = n;
  while (entry.split >= 0) {
    cuts.insert(cuts.begin(), Cut{entry.split + 1, end, entry.replicas});
    end = entry.split + 1;
    entry = table[at(entry.split, entry.split_m)];
    WEFT_PLAN_CHECK(entry.time != kNone);
  }
  cuts.insert(cuts.begin(), Cut{0, end, entry.replicas});
  return cuts;
}

// ---- the plan ----

void check_options(const PartitionOptions &options) {
  const auto invalid = [](const std::string &what) {
    throw weft::Error("partition_pipeline: " + what);
  };
  if (options.workers < 1)
    invalid("workers is " + std::to_string(options.workers) + "; expected at least 1");
  const LinkModel &link = options.link;
  if (!std::isfinite(link.bandwidth_bytes_per_s) || link.bandwidth_bytes_per_s <= 0)
    invalid("link.bandwidth_bytes_per_s must be a positive number");
  if (!std::isfinite(link.latency_s) || link.latency_s < 0)
    invalid("link.latency_s must be a non-negative number");
  if (!std::isfinite(options.memory_limit_bytes) || options.memory_limit_bytes < 0)
    invalid("memory_limit_bytes must be a non-negative number (0: no limit)");
  if (!std::isfinite(options.activation_compression_ratio) ||
      options.activation_compression_ratio < 0)
    invalid("activation_compression_ratio must be a non-negative number (0: none)");
  if (options.model == CostModel::PipeDream) {
    if (link.latency_s != 0)
      invalid("the PipeDream cost model has no link latency; set link.latency_s to 0");
    if (options.overlap_communication)
      invalid("the PipeDream cost model adds compute and communication; overlap_communication "
              "is for the weft model");
  } else if (options.activation_compression_ratio != 0) {
    invalid("activation_compression_ratio is for the PipeDream cost model; the weft model "
            "always counts activation transfers in full");
  }
}

StageBound bound_of(const PipelineStage &s, const PartitionOptions &options) {
  const double c = s.compute_s, w = s.weight_all_reduce_s, x = s.activation_s;
  if (options.model == CostModel::PipeDream) {
    if (x > c + w)
      return StageBound::ActivationTransfer;
    return c >= w ? StageBound::Compute : StageBound::WeightAllReduce;
  }
  // Additive: the largest of the three terms. Overlapped: compute, unless the
  // communication (W + X) outlasts it, then the larger of its two parts.
  const bool compute_bound = options.overlap_communication ? c >= w + x : c >= w && c >= x;
  if (compute_bound)
    return StageBound::Compute;
  return x >= w ? StageBound::ActivationTransfer : StageBound::WeightAllReduce;
}

std::string format_ms(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f ms", seconds * 1000.0);
  return buffer;
}

std::string format_bytes(double bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f", bytes);
  return buffer;
}

} // namespace

const char *bound_name(StageBound bound) {
  switch (bound) {
  case StageBound::Compute:
    return "compute";
  case StageBound::ActivationTransfer:
    return "activation transfer";
  case StageBound::WeightAllReduce:
    return "weight all-reduce";
  }
  internal_error(__LINE__, "unknown StageBound");
}

PipelinePlan partition_pipeline(const PipelineProfile &profile, const PartitionOptions &options) {
  check_pipeline_profile(profile, "partition_pipeline: profile");
  check_options(options);
  const int n = static_cast<int>(profile.layers.size());
  const PrefixSums sums(profile);
  const bool pipedream = options.model == CostModel::PipeDream;
  const std::vector<Cut> cuts =
      pipedream ? pipedream_cuts(sums, options, n) : weft_cuts(sums, options, n);
  if (cuts.empty()) {
    std::string why;
    if (options.memory_limit_bytes > 0)
      why += " within " + format_bytes(options.memory_limit_bytes) + " bytes per worker";
    if (!options.replicate_stages && !options.allow_idle_workers)
      why += (why.empty() ? "" : " and") + std::string(" with one worker per stage (") +
             std::to_string(options.workers) + " workers, " + std::to_string(n) + " layers)";
    throw weft::Error("partition_pipeline: no plan of " + std::to_string(n) + " layers on " +
                      std::to_string(options.workers) + " workers fits" + why);
  }

  PipelinePlan plan;
  int through = 0; // workers up to and including the stage
  for (const Cut &cut : cuts)
    through += cut.replicas;
  plan.workers_used = through;
  WEFT_PLAN_CHECK(plan.workers_used <= options.workers);
  int before = 0;
  for (const Cut &cut : cuts) {
    PipelineStage s = pipedream
                          ? pipedream_stage(sums, options, n, cut.begin, cut.end, cut.replicas)
                          : weft_stage(sums, options, n, cut.begin, cut.end, cut.replicas);
    s.memory_bytes =
        pipedream ? pipedream_memory(sums, options, cut.begin, cut.end, cut.replicas,
                                     before + cut.replicas)
                  : weft_memory(sums, cut.begin, cut.end, cut.replicas, plan.workers_used - before);
    before += cut.replicas;
    if (s.time_s > plan.time_per_minibatch_s || plan.stages.empty()) {
      plan.time_per_minibatch_s = s.time_s;
      plan.bottleneck = static_cast<int>(plan.stages.size());
    }
    plan.stages.push_back(s);
  }
  WEFT_PLAN_CHECK(plan.stages.front().begin == 0 && plan.stages.back().end == n);
  plan.bound = bound_of(plan.stages[plan.bottleneck], options);

  // Pure data parallelism: one stage of every layer on every worker.
  const PipelineStage whole = pipedream ? pipedream_stage(sums, options, n, 0, n, options.workers)
                                        : weft_stage(sums, options, n, 0, n, options.workers);
  plan.data_parallel_time_s = whole.time_s;
  plan.data_parallel_fits_memory =
      fits(pipedream ? pipedream_memory(sums, options, 0, n, options.workers, options.workers)
                     : weft_memory(sums, 0, n, options.workers, options.workers),
           options);
  plan.speedup_over_data_parallel = plan.data_parallel_time_s / plan.time_per_minibatch_s;
  return plan;
}

std::string explain(const PipelinePlan &plan, const PipelineProfile &profile) {
  const int n = static_cast<int>(profile.layers.size());
  std::string text = "pipeline plan: " + std::to_string(plan.stages.size()) + " stage" +
                     (plan.stages.size() == 1 ? "" : "s") + " on " +
                     std::to_string(plan.workers_used) + " worker" +
                     (plan.workers_used == 1 ? "" : "s") + "\n";
  for (std::size_t i = 0; i < plan.stages.size(); ++i) {
    const PipelineStage &s = plan.stages[i];
    if (s.begin < 0 || s.end > n || s.begin >= s.end)
      throw weft::Error("explain: stage " + std::to_string(i) + " names layers [" +
                        std::to_string(s.begin) + ", " + std::to_string(s.end) +
                        ") but the profile has " + std::to_string(n) + " layers");
    std::string names;
    for (int l = s.begin; l < s.end; ++l)
      names += (l > s.begin ? ", " : "") + profile.layers[l].name;
    text += "  stage " + std::to_string(i) + ": layers " + std::to_string(s.begin) + ".." +
            std::to_string(s.end - 1) + " (" + names + "), " + std::to_string(s.replicas) +
            " replica" + (s.replicas == 1 ? "" : "s") + "; per minibatch: compute " +
            format_ms(s.compute_s) + ", weight all-reduce " + format_ms(s.weight_all_reduce_s) +
            ", activation transfer " + format_ms(s.activation_s) + ", stage time " +
            format_ms(s.time_s) + "; " + format_bytes(s.memory_bytes) + " bytes per worker\n";
  }
  char speedup[32];
  std::snprintf(speedup, sizeof speedup, "%.2fx", plan.speedup_over_data_parallel);
  text += "bottleneck: stage " + std::to_string(plan.bottleneck) + ", bound by " +
          bound_name(plan.bound) + "\n";
  text += "predicted time per minibatch: " + format_ms(plan.time_per_minibatch_s) +
          "; pure data parallelism: " + format_ms(plan.data_parallel_time_s) +
          (plan.data_parallel_fits_memory ? "" : " (does not fit the memory limit)") +
          "; predicted speedup over pure data parallelism: " + speedup + "\n";
  return text;
}

} // namespace weft::rt
