// Time of weft::rt::partition_pipeline on a generated chain, the size of a deep network on
// one large machine (100 layers, 16 workers by default), under both cost models.
//
//   pipeline_partition_bench [--layers 100] [--workers 16] [--repeat 20]
//                            [--graph-txt FILE]
//
// The profile is generated from a fixed seed, so every run plans the same chain; with
// --graph-txt it is also written there in PipeDream's graph.txt form, for PipeDream's
// optimizer to plan the same chain (README.md). Prints the PipeDream-model plan (the
// one to compare with PipeDream's), then per model "<model> best_ms <t> median_ms <t>"
// over `repeat` runs.
#include <weft/rt/pipeline_partition.h>
#include <weft/rt/pipeline_profile.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct Options {
  int layers = 100, workers = 16, repeat = 20;
  std::string graph_txt;
};

Options parse(int argc, char **argv) {
  Options o;
  for (int n = 1; n + 1 < argc; n += 2) {
    const std::string flag = argv[n], value = argv[n + 1];
    if (flag == "--graph-txt") {
      o.graph_txt = value;
      continue;
    }
    const int number = std::atoi(value.c_str());
    if (number <= 0) {
      std::fprintf(stderr, "pipeline_partition_bench: %s needs a positive integer\n", flag.c_str());
      std::exit(2);
    }
    if (flag == "--layers")
      o.layers = number;
    else if (flag == "--workers")
      o.workers = number;
    else if (flag == "--repeat")
      o.repeat = number;
    else {
      std::fprintf(stderr, "pipeline_partition_bench: unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  return o;
}

// splitmix64: the same numbers on every platform, unlike <random>'s distributions.
struct Numbers {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * (next() >> 11) * 0x1.0p-53; }
};

// A convolutional network's shape: early layers with large outputs and small weights,
// late ones (the last eighth) fully connected with large weights and small outputs.
// Times are whole microseconds and sizes whole bytes, so graph.txt's three decimals
// carry them exactly.
weft::rt::PipelineProfile generate(int layers) {
  Numbers numbers{20261207};
  weft::rt::PipelineProfile p;
  p.input_bytes = 602112;
  for (int l = 0; l < layers; ++l) {
    const double depth = static_cast<double>(l) / layers; // 0 at the input, 1 at the loss
    const bool dense = depth >= 7.0 / 8;
    weft::rt::LayerProfile layer;
    layer.name = (dense ? "fc" : "conv") + std::to_string(l);
    layer.forward_ms = std::round(numbers.uniform(0.2, dense ? 2.0 : 6.0) * 1000) / 1000;
    layer.backward_ms = std::round(layer.forward_ms * numbers.uniform(1.5, 2.5) * 1000) / 1000;
    layer.activation_bytes =
        std::round(dense ? numbers.uniform(4e3, 4e5) : numbers.uniform(5e5, 5e7) * (1 - depth));
    layer.weight_bytes =
        std::round(dense ? numbers.uniform(4e6, 1.6e8) : numbers.uniform(1e4, 1e7));
    p.layers.push_back(layer);
  }
  return p;
}

// Best and median of `repeat` timed plans, milliseconds.
template <class Run> std::pair<double, double> time_ms(int repeat, Run &&run) {
  std::vector<double> ms;
  for (int r = 0; r < repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    run();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms.front(), ms[ms.size() / 2]};
}

} // namespace

int main(int argc, char **argv) {
  const Options o = parse(argc, argv);
  const weft::rt::PipelineProfile profile = generate(o.layers);
  if (!o.graph_txt.empty())
    weft::rt::write_pipeline_profile(profile, o.graph_txt);

  weft::rt::PartitionOptions pipedream;
  pipedream.model = weft::rt::CostModel::PipeDream;
  pipedream.workers = o.workers;
  pipedream.link.bandwidth_bytes_per_s = 1e9; // PipeDream's default
  weft::rt::PartitionOptions weft_model = pipedream;
  weft_model.model = weft::rt::CostModel::Weft;
  weft_model.link.latency_s = 10e-6;

  const weft::rt::PipelinePlan plan = weft::rt::partition_pipeline(profile, pipedream);
  std::printf("%d layers, %d workers; PipeDream model:\n%s", o.layers, o.workers,
              weft::rt::explain(plan, profile).c_str());
  for (const auto &stage : plan.stages)
    std::printf("(%d, %d) %d\n", stage.begin, stage.end, stage.replicas);

  double sink = 0; // keeps the plans observable
  const auto [pd_best, pd_median] = time_ms(o.repeat, [&] {
    sink += weft::rt::partition_pipeline(profile, pipedream).time_per_minibatch_s;
  });
  const auto [weft_best, weft_median] = time_ms(o.repeat, [&] {
    sink += weft::rt::partition_pipeline(profile, weft_model).time_per_minibatch_s;
  });
  std::printf("pipedream best_ms %.3f median_ms %.3f\n", pd_best, pd_median);
  std::printf("weft best_ms %.3f median_ms %.3f\n", weft_best, weft_median);
  return sink > 0 ? 0 : 1;
}
