// The communication tuner (include/weft/rt/comm_tuner.h): its Gaussian process, expected
// improvement, the search on synthetic step-time surfaces against the exhaustive grid,
// determinism, the drift rule and the budget. One process, no MPI.
#include <gtest/gtest.h>
#include <weft/rt/comm_tuner.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "comm_tuner_surfaces.h"

namespace {

using weft::rt::CommTuner;
using weft::rt::GaussianProcess;
using weft::rt::LinkProfile;
using weft::rt::TunerOptions;
using weft::rt::TunerPoint;

constexpr TunerPoint kDefault{std::int64_t{4} << 20, std::int64_t{16} << 20};

// A smooth function of the log2 coordinates and some points of it.
double smooth(const GaussianProcess::Point &x) {
  return std::sin(0.4 * x[0]) + 0.3 * std::cos(0.5 * x[1]) + 0.05 * x[0];
}

std::vector<GaussianProcess::Point> sample_points() {
  std::vector<GaussianProcess::Point> x;
  for (double u : {12.0, 15.0, 18.0, 21.0, 24.0})
    for (double c : {14.0, 19.0, 27.0})
      x.push_back({u, c});
  return x;
}

TEST(CommTuner, GaussianProcessPosteriorInterpolatesNoiselessObservations) {
  const std::vector<GaussianProcess::Point> x = sample_points();
  std::vector<double> y;
  for (const auto &p : x)
    y.push_back(smooth(p));
  // Fixed hyper-parameters with no noise, and the ones of largest likelihood.
  const GaussianProcess fixed = GaussianProcess::with({{4, 6}, 0, 1, 1e-9}, x, y);
  const GaussianProcess fitted = GaussianProcess::fit(x, y);
  EXPECT_LE(fitted.hyper().noise_variance, 1e-3) << "a noiseless sample is explained by noise";
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(fixed.predict(x[i]).mean, y[i], 1e-5) << "point " << i;
    EXPECT_LT(fixed.predict(x[i]).variance, 1e-6) << "point " << i;
    EXPECT_NEAR(fitted.predict(x[i]).mean, y[i], 0.02) << "point " << i;
  }
  // Between the observations the posterior is uncertain.
  EXPECT_GT(fixed.predict({13.5, 23.0}).variance, 1e-4);
  EXPECT_TRUE(std::isfinite(fitted.log_marginal_likelihood()));
}

TEST(CommTuner, GaussianProcessModelsNoiseWhenRepeatedMeasurementsDisagree) {
  // Every point measured twice, the two times 0.1 apart around a smooth function: the
  // likeliest model has noise, and its posterior mean runs between the two, not
  // through either.
  std::vector<GaussianProcess::Point> x;
  std::vector<double> y;
  for (const auto &p : sample_points()) {
    for (double e : {-0.05, 0.05}) {
      x.push_back(p);
      y.push_back(smooth(p) + e);
    }
  }
  const GaussianProcess gp = GaussianProcess::fit(x, y);
  EXPECT_GE(gp.hyper().noise_variance, 1e-3);
  for (const auto &p : sample_points())
    EXPECT_NEAR(gp.predict(p).mean, smooth(p), 0.03) << p[0] << ", " << p[1];
}

TEST(CommTuner, ExpectedImprovementIsNearZeroAtObservedPointsAndPositiveElsewhere) {
  const std::vector<GaussianProcess::Point> x = sample_points();
  std::vector<double> y;
  for (const auto &p : x)
    y.push_back(smooth(p));
  const GaussianProcess gp = GaussianProcess::with({{4, 6}, 0, 1, 1e-9}, x, y);
  const double best = *std::min_element(y.begin(), y.end());
  double at_observed = 0;
  for (const auto &p : x) {
    const GaussianProcess::Prediction at = gp.predict(p);
    at_observed = std::max(at_observed,
                           weft::rt::expected_improvement(best, at.mean, std::sqrt(at.variance)));
  }
  EXPECT_LT(at_observed, 1e-4);
  // Between the observations (midpoints of the sample's cells) it is positive, and next
  // to the best observation far larger than at any observed point.
  double between = 0;
  for (double u : {13.5, 16.5, 19.5, 22.5})
    for (double c : {16.5, 23.0}) {
      const GaussianProcess::Prediction at = gp.predict({u, c});
      const double ei = weft::rt::expected_improvement(best, at.mean, std::sqrt(at.variance));
      EXPECT_GT(ei, 0.0) << u << ", " << c;
      between = std::max(between, ei);
    }
  EXPECT_GT(between, 100 * at_observed);
  EXPECT_GT(between, 1e-3);
  // The closed form: at mean = best, EI = sd φ(0); with no uncertainty, max(best - mean, 0).
  EXPECT_NEAR(weft::rt::expected_improvement(1.0, 1.0, 0.5), 0.5 / std::sqrt(2 * std::acos(-1.0)),
              1e-12);
  EXPECT_DOUBLE_EQ(weft::rt::expected_improvement(1.0, 0.75, 0.0), 0.25);
  EXPECT_DOUBLE_EQ(weft::rt::expected_improvement(1.0, 1.25, 0.0), 0.0);
}

// Runs a round of `budget` probes on a surface; best time of the grid / true time of the
// choice.
double tuned_ratio(const weft_test::Surface &s, int budget, unsigned seed, TunerPoint start,
                   int *probes = nullptr) {
  TunerOptions options;
  options.budget = budget;
  CommTuner tuner(options, s.profile, start);
  std::mt19937_64 random(seed);
  while (tuner.tuning())
    tuner.observe(weft_test::measure(s, tuner.next(), random));
  if (probes)
    *probes = tuner.probes();
  return weft_test::exhaustive_best(s, tuner.grid()) / s.time(tuner.next());
}

TEST(CommTuner, ReachesNinetyFivePercentOfTheGridsBestWithinFifteenProbesOnSyntheticSurfaces) {
  // Every surface (bowls with plateaus, a ridge, two modeled steps; each exact and with 2%
  // noise), from the default options' setting and from two far corners when the surface
  // has no profile, and three noise draws per noisy surface.
  for (const weft_test::Surface &s : weft_test::synthetic_surfaces()) {
    std::vector<TunerPoint> starts = {kDefault};
    if (s.profile.bandwidth_bytes_per_second == 0) {
      starts.push_back(TunerPoint{std::int64_t{8} << 10, std::int64_t{8} << 10});
      starts.push_back(TunerPoint{std::int64_t{32} << 20, std::int64_t{32} << 20});
    }
    for (const TunerPoint start : starts) {
      for (unsigned seed = 0; seed < (s.noise > 0 ? 3u : 1u); ++seed) {
        int probes = 0;
        const double ratio = tuned_ratio(s, 15, seed, start, &probes);
        EXPECT_GE(ratio, 0.95) << s.name << ", start " << start.partition_bytes << "/"
                               << start.credit_bytes << ", seed " << seed;
        EXPECT_LE(probes, 15);
      }
    }
  }
}

TEST(CommTuner, TheSameObservationsGiveTheSameProbesAndChoice) {
  // Two tuners (two processes) fed the same times propose the same settings throughout.
  const weft_test::Surface s = weft_test::synthetic_surfaces()[3]; // VGG-like, with a profile
  CommTuner a(TunerOptions{}, s.profile, kDefault), b(TunerOptions{}, s.profile, kDefault);
  std::mt19937_64 random(7);
  while (a.tuning()) {
    ASSERT_TRUE(b.tuning());
    ASSERT_EQ(a.next().partition_bytes, b.next().partition_bytes);
    ASSERT_EQ(a.next().credit_bytes, b.next().credit_bytes);
    const double t = weft_test::measure(s, a.next(), random);
    a.observe(t);
    b.observe(t);
  }
  EXPECT_FALSE(b.tuning());
  EXPECT_EQ(a.next().partition_bytes, b.next().partition_bytes);
  EXPECT_EQ(a.next().credit_bytes, b.next().credit_bytes);
  EXPECT_EQ(a.take_log(), b.take_log());
}

TEST(CommTuner, TheFirstProbeComesFromTheLinkProfile) {
  // 10 Gb/s x 50 us = 62.5 KB in flight: partitions >= 4 x that -> 256 KiB; credit >=
  // partition + 62.5 KB -> 2 partitions.
  LinkProfile link{1.25e9, 50e-6, {std::int64_t{64} << 20}};
  const CommTuner tuner(TunerOptions{}, link, kDefault);
  EXPECT_EQ(tuner.next().partition_bytes, 256 << 10);
  EXPECT_EQ(tuner.next().credit_bytes, 512 << 10);
  // Small transfers cap the partition at a quarter of the largest, and the grid at it.
  link.transfer_bytes = {std::int64_t{128} << 10};
  const CommTuner small(TunerOptions{}, link, kDefault);
  EXPECT_EQ(small.next().partition_bytes, 32 << 10);
  EXPECT_EQ(small.next().credit_bytes, 128 << 10); // 62.5 KB / 32 KiB -> 1 + 1.9 -> 4
  for (const TunerPoint &p : small.grid())
    EXPECT_LE(p.partition_bytes, 128 << 10);
  // Without a measured link: the given setting, on the grid.
  const CommTuner unmeasured(TunerOptions{}, LinkProfile{}, TunerPoint{3 << 20, 13 << 20});
  EXPECT_EQ(unmeasured.next().partition_bytes, 4 << 20);
  EXPECT_EQ(unmeasured.next().credit_bytes, 16 << 20);
}

// A tuner that has finished its round on the VGG-like surface at 1.25e9 B/s.
CommTuner tuned_at_ten_gigabits() {
  const weft_test::Surface s = weft_test::synthetic_surfaces()[3];
  CommTuner tuner(TunerOptions{}, s.profile, kDefault);
  std::mt19937_64 random(1);
  while (tuner.tuning())
    tuner.observe(weft_test::measure(s, tuner.next(), random));
  tuner.take_log();
  return tuner;
}

TEST(CommTuner, BandwidthDriftOfMoreThanTwentyPercentStartsANewRound) {
  for (double factor : {1.21, 0.79, 0.5, 3.0}) {
    CommTuner tuner = tuned_at_ten_gigabits();
    ASSERT_FALSE(tuner.tuning());
    EXPECT_TRUE(tuner.report_bandwidth(1.25e9 * factor)) << factor;
    EXPECT_TRUE(tuner.tuning()) << factor;
    EXPECT_EQ(tuner.rounds(), 2);
    EXPECT_EQ(tuner.probes(), 0);
    const std::vector<std::string> log = tuner.take_log();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_NE(log[0].find("tuning them again"), std::string::npos) << log[0];
    EXPECT_NE(log[0].find("% away from the 1.25 GB/s"), std::string::npos) << log[0];
    // The new round is seeded from the link at the new bandwidth, and runs its budget.
    int probes = 0;
    while (tuner.tuning()) {
      tuner.observe(0.1);
      ++probes;
    }
    EXPECT_EQ(probes, 15);
    EXPECT_DOUBLE_EQ(tuner.tuned_bandwidth(), 1.25e9 * factor);
  }
}

TEST(CommTuner, BandwidthDriftOfTwentyPercentOrLessKeepsTheChoice) {
  for (double bandwidth : {1.0e9, 1.5e9, 1.25e9, 1.1e9, 1.4e9}) { // 1.0e9, 1.5e9: exactly 20%
    CommTuner tuner = tuned_at_ten_gigabits();
    const TunerPoint before = tuner.next();
    EXPECT_FALSE(tuner.report_bandwidth(bandwidth)) << bandwidth;
    EXPECT_FALSE(tuner.tuning());
    EXPECT_EQ(tuner.rounds(), 1);
    EXPECT_EQ(tuner.next().partition_bytes, before.partition_bytes);
    EXPECT_TRUE(tuner.take_log().empty());
  }
}

TEST(CommTuner, ProbesNeverExceedTheBudgetAndEachRoundLogsEveryProbeAndTheChoice) {
  const weft_test::Surface s = weft_test::synthetic_surfaces()[0];
  for (int budget : {0, 1, 2, 5, 8, 15, 40}) {
    TunerOptions options;
    options.budget = budget;
    CommTuner tuner(options, s.profile, kDefault);
    std::mt19937_64 random(3);
    int loops = 0;
    std::set<std::pair<std::int64_t, std::int64_t>> distinct;
    while (tuner.tuning()) {
      distinct.insert({tuner.next().partition_bytes, tuner.next().credit_bytes});
      tuner.observe(weft_test::measure(s, tuner.next(), random));
      ++loops;
      ASSERT_LE(loops, budget);
    }
    EXPECT_EQ(loops, budget);
    EXPECT_EQ(tuner.probes(), budget);
    // Every probe is on the grid; at most two of them measure a point again.
    EXPECT_GE(static_cast<int>(distinct.size()), budget - 2);
    const std::vector<std::string> log = tuner.take_log();
    EXPECT_EQ(static_cast<int>(log.size()), budget == 0 ? 0 : budget + 1);
    if (budget == 0) { // never tuned: the given setting exactly
      EXPECT_EQ(tuner.next().partition_bytes, kDefault.partition_bytes);
    } else {
      EXPECT_EQ(log.back().rfind("communication partitions of ", 0), 0u) << log.back();
    }
  }
  // A grid smaller than the budget: each point twice, then the choice.
  TunerOptions tiny;
  tiny.budget = 15;
  tiny.min_partition_bytes = 1 << 20;
  tiny.max_partition_bytes = 2 << 20;
  tiny.max_credit_partitions = 2;
  CommTuner tuner(tiny, LinkProfile{}, kDefault);
  int loops = 0;
  while (tuner.tuning()) {
    tuner.observe(0.1 + 0.01 * loops);
    ++loops;
  }
  EXPECT_EQ(tuner.grid().size(), 4u);
  EXPECT_EQ(loops, 8);
  const std::vector<std::string> log = tuner.take_log();
  ASSERT_EQ(log.size(), 9u);
  EXPECT_EQ(log[7].rfind("probe 8 of 8: ", 0), 0u) << log[7];
}

} // namespace
