// weft/rt/comm_tuner.h — Bayesian optimization of the communication scheduler's two
// knobs (DESIGN section 5): the partition size and the credit (bytes in flight).
//
// The objective is the time of one run of a loop that runs again and again; the tuner
// proposes a setting (a probe), the caller runs one loop with it and reports the time.
// The model is a Gaussian process over x = (log2 partition, log2 credit) with a Matérn
// 5/2 kernel, in a sheared frame when shear = 1 (x_1 - x_0 = log2 of the credit in
// partitions), so that a valley along credit = k partitions is as easy to learn as one
// along credit = c bytes,
//
//   k(x, x') = s² (1 + √5 r + 5 r² / 3) exp(-√5 r),
//   r² = (Δx_0 / l_0)² + ((Δx_1 - shear Δx_0) / l_1)²,
//
// fitted to y = log(seconds) (times are positive and their differences relative), with
// observation noise n² on the diagonal. The hyper-parameters (l_0, l_1, shear, s², n²)
// are the ones of largest log marginal likelihood over a small fixed grid. The next
// probe maximizes the expected improvement over the unprobed points of a candidate grid:
// partitions are the powers of two from min_partition_bytes to max_partition_bytes
// (capped at the first power of two that holds the largest transfer: larger partitions
// all send it whole), and credits are a partition times 1, 2, 4, ... max_credit_partitions
// (a credit below one partition would only ever let one partition go: CommScheduler
// always lets one go). 15 x 7 points by default.
//
// The first probe comes from the link (LinkProfile): partitions long enough that a
// message's fixed cost is at most a fifth of its time (p >= 4 x bandwidth x latency),
// no longer than a quarter of the largest transfer (a transfer needed first waits behind
// at most one partition), and a credit that keeps the link busy (>= partition +
// bandwidth x latency, >= 2 partitions); without a measured link, the caller's setting.
// Then up to four points spread over the grid (about a third of the budget), then
// expected improvement over the whole grid; with a budget of 10 or more, a third of the
// budget looks only next to the leading point (one step of either knob: the model is
// surest there, and such a probe never costs a slow loop); with a budget of 8 or more,
// the last two probes measure again the probed point of lowest posterior mean that was
// measured once (a single time may be flattered by noise, and two times at one point
// tell the model how large the noise is); a grid smaller than the budget has each point
// measured twice at most. The choice is the probed point of lowest posterior mean, not
// of lowest single time.
//
// Everything is a pure function of the options, the profile and the observations, in
// a fixed order of floating-point operations: processes that report the same times get
// the same probes and the same choice.
//
// Drift: the tuner remembers the link bandwidth it tuned at (the profile's, or the mean
// of the bandwidths reported while it tuned). A bandwidth reported later that is more
// than `drift` (20%) away from it starts a new round of probes (the old times describe
// another link), seeded from the profile at the new bandwidth, and says why in its log.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace weft::rt {

// One setting of the two knobs.
struct TunerPoint {
  std::int64_t partition_bytes = 0;
  std::int64_t credit_bytes = 0;
};

// What the caller measured of the link and of the loop's traffic.
struct LinkProfile {
  double bandwidth_bytes_per_second = 0;    // 0: not measured
  double latency_seconds = 0;               // one message's fixed cost; 0: not measured
  std::vector<std::int64_t> transfer_bytes; // sizes of one loop's transfers (may be empty)
};

struct TunerOptions {
  int budget = 15; // probes per round (loops run with a trial setting); 0: never tune
  std::int64_t min_partition_bytes = std::int64_t{4} << 10;
  std::int64_t max_partition_bytes = std::int64_t{64} << 20;
  int max_credit_partitions = 64;
  double drift = 0.2; // relative change of bandwidth that starts a new round
};

// The Gaussian process of the tuner, on its own for tests. Inputs are 2-D points in
// log2 space; outputs are whatever the caller fits (the tuner fits log seconds).
class GaussianProcess {
public:
  using Point = std::array<double, 2>;
  struct Hyper {
    std::array<double, 2> length; // l_d, in the inputs' units (log2 bytes)
    double shear;                 // the second length runs along x_1 - shear x_0
    double signal_variance;       // s², in units of the outputs' variance
    double noise_variance;        // n², the same units
  };
  struct Prediction {
    double mean;
    double variance; // of the latent function (without the observation noise)
  };

  // The hyper-parameters of largest log marginal likelihood over the grid (ties: the
  // first in the grid's order). Needs at least one observation.
  static GaussianProcess fit(std::vector<Point> x, std::vector<double> y);
  // With the given hyper-parameters.
  static GaussianProcess with(const Hyper &hyper, std::vector<Point> x, std::vector<double> y);

  Prediction predict(const Point &at) const;
  double log_marginal_likelihood() const { return log_likelihood_; }
  const Hyper &hyper() const { return hyper_; }

private:
  GaussianProcess() = default;
  // Factors K + n² I (of the normalized outputs); false if it is not positive definite.
  bool factor();

  Hyper hyper_{};
  std::vector<Point> x_;
  std::vector<double> y_; // normalized: (y - offset_) / scale_
  double offset_ = 0, scale_ = 1;
  std::vector<double> chol_;  // lower Cholesky factor L of K + n² I, row-major n x n
  std::vector<double> alpha_; // (K + n² I)^-1 y
  double log_likelihood_ = 0; // of the normalized outputs
};

// Expected improvement of a point whose value is Normal(mean, sd²) below `best`
// (minimization): E[max(best - f, 0)] = (best - mean) Φ(z) + sd φ(z), z = (best - mean) / sd.
double expected_improvement(double best, double mean, double sd);

class CommTuner {
public:
  // `fallback`: the setting to start from when the profile does not say enough; with a
  // budget of 0 it is the choice, as given.
  CommTuner(TunerOptions options, LinkProfile profile, TunerPoint fallback);

  // The setting to run the next loop with: a probe while tuning, the choice after.
  TunerPoint next() const;
  bool tuning() const { return probing_; }
  // The time of the loop just run with next(); while tuning it is one probe.
  void observe(double seconds);
  // The link's bandwidth as measured now (not the loop's throughput, which the
  // settings change). Returns true when the drift starts a new round.
  bool report_bandwidth(double bytes_per_second);

  // Log lines written since the last call (one per probe, one for the choice, one per
  // new round), without a prefix; the caller decides who prints them.
  std::vector<std::string> take_log();

  // The candidate grid, partition-major, and the probes of this round so far.
  const std::vector<TunerPoint> &grid() const { return grid_; }
  int probes() const { return static_cast<int>(probed_.size()); }
  int rounds() const { return rounds_; }
  double tuned_bandwidth() const { return tuned_bandwidth_; }

  // The first probe for a link and traffic, on the grid (fallback when the link's
  // bandwidth or latency is unknown).
  TunerPoint seed_point(const LinkProfile &profile, TunerPoint fallback) const;

private:
  void start_round(TunerPoint seed, const std::string &why);
  void choose_next();
  void finish_round();
  std::size_t nearest(TunerPoint p) const;
  GaussianProcess model() const;

  TunerOptions options_;
  LinkProfile profile_;
  TunerPoint fallback_;
  std::vector<TunerPoint> grid_;
  std::size_t multiples_ = 1;                  // credits per partition size in the grid
  std::vector<GaussianProcess::Point> grid_x_; // log2 of each knob
  std::vector<std::size_t> design_;            // grid indices probed after the seed
  std::vector<std::size_t> probed_;            // grid indices, in probe order
  std::vector<double> times_;                  // seconds, the same order
  std::size_t next_ = 0;                       // grid index of the next probe
  std::string next_reason_;                    // why it was chosen, for the log
  bool probing_ = false;
  TunerPoint chosen_;
  int rounds_ = 0;
  double tuned_bandwidth_ = 0;
  double round_bandwidth_sum_ = 0;
  int round_bandwidth_count_ = 0;
  std::vector<std::string> log_;
};

} // namespace weft::rt
