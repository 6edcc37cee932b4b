// The communication tuner (include/weft/rt/comm_tuner.h) against the exhaustive grid on
// synthetic step-time surfaces (tests/unit/comm_tuner_surfaces.h). For each surface, each
// noise level and each of several measurement-noise seeds, the tuner runs with budgets of
// 1..15 probes. Figures: the smallest budget whose choice is within 5% of the grid's best
// (best / found >= 0.95, in throughput terms), best / found at a budget of 15 (mean,
// worst, runs below 0.95), and, for comparison, the best of the six fixed settings the
// runtime tried before (partitions of 1, 4, 16 MiB x credits of 2, 8 partitions).
// A surface without a link profile is tuned from three starts (the default options'
// 4 MiB / 16 MiB, and the corners 8 KiB / 8 KiB and 32 MiB / 32 MiB); one with a profile
// starts where the profile says.
//
//   tuner_bench [seeds]      (default 30 seeds per noisy surface)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "comm_tuner_surfaces.h"

namespace {

constexpr int kBudget = 15;
// Where a loop starts without a profile: the runtime's default options.
constexpr weft::rt::TunerPoint kDefault{std::int64_t{4} << 20, std::int64_t{16} << 20};

double tuned_ratio(const weft_test::Surface &s, int budget, unsigned seed,
                   weft::rt::TunerPoint start, double best) {
  weft::rt::TunerOptions options;
  options.budget = budget;
  weft::rt::CommTuner tuner(options, s.profile, start);
  std::mt19937_64 random(seed);
  while (tuner.tuning())
    tuner.observe(weft_test::measure(s, tuner.next(), random));
  return best / s.time(tuner.next());
}

double fixed_list_ratio(const weft_test::Surface &s, double best) {
  double found = s.time(kDefault);
  for (std::int64_t p : {std::int64_t{1} << 20, std::int64_t{4} << 20, std::int64_t{16} << 20})
    for (std::int64_t credits : {2, 8})
      found = std::min(found, s.time(weft::rt::TunerPoint{p, p * credits}));
  return best / found;
}

} // namespace

int main(int argc, char **argv) {
  const int seeds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 30;
  std::printf("%-36s %5s %8s %6s %9s %9s %7s %8s %9s\n", "surface", "grid", "budget95", "worst",
              "ratio@15", "worst@15", "<0.95  ", "ms/15", "fixed(6)");
  int below = 0, runs_total = 0;
  bool exact_printed = false;
  for (double noise : {0.02, 0.03}) {
    for (const weft_test::Surface &s : weft_test::synthetic_surfaces(noise)) {
      if (s.noise == 0 && exact_printed)
        continue; // the exact surfaces are the same at every noise level
      const weft::rt::CommTuner shape(weft::rt::TunerOptions{}, s.profile, kDefault);
      const double best = weft_test::exhaustive_best(s, shape.grid());
      std::vector<weft::rt::TunerPoint> starts = {kDefault};
      if (s.profile.bandwidth_bytes_per_second == 0) {
        starts.push_back(weft::rt::TunerPoint{std::int64_t{8} << 10, std::int64_t{8} << 10});
        starts.push_back(weft::rt::TunerPoint{std::int64_t{32} << 20, std::int64_t{32} << 20});
      }
      // Without noise every seed is the same run.
      const int runs = (s.noise > 0 ? seeds : 1) * static_cast<int>(starts.size());
      double mean_needed = 0, mean_ratio = 0, worst_ratio = 1, ms = 0;
      int worst_needed = 0, misses = 0;
      for (int r = 0; r < runs; ++r) {
        const unsigned seed = 1000 + static_cast<unsigned>(r);
        const weft::rt::TunerPoint start = starts[static_cast<std::size_t>(r) % starts.size()];
        int needed = kBudget + 1; // 16: not within 15
        for (int budget = 1; budget <= kBudget && needed > kBudget; ++budget) {
          if (tuned_ratio(s, budget, seed, start, best) >= 0.95)
            needed = budget;
        }
        const auto started = std::chrono::steady_clock::now();
        const double ratio = tuned_ratio(s, kBudget, seed, start, best);
        ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
        mean_needed += needed;
        worst_needed = std::max(worst_needed, needed);
        mean_ratio += ratio;
        worst_ratio = std::min(worst_ratio, ratio);
        misses += ratio < 0.95 ? 1 : 0;
      }
      below += misses;
      runs_total += runs;
      std::printf("%-36s %5zu %8.1f %6d %9.3f %9.3f %4d/%-3d %8.2f %9.3f\n", s.name.c_str(),
                  shape.grid().size(), mean_needed / runs, worst_needed, mean_ratio / runs,
                  worst_ratio, misses, runs, ms / runs, fixed_list_ratio(s, best));
    }
    exact_printed = true;
  }
  std::printf("runs below 95%% of the grid's best at %d probes: %d of %d\n", kBudget, below,
              runs_total);
  return 0;
}
