// Bayesian optimization of the communication scheduler's partition size and credit.
#include "weft/rt/comm_tuner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "internal_assert.h"

namespace weft::rt {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::string bytes_text(std::int64_t b) {
  if (b % (1 << 20) == 0)
    return std::to_string(b >> 20) + " MiB";
  if (b % (1 << 10) == 0)
    return std::to_string(b >> 10) + " KiB";
  return std::to_string(b) + " B";
}

std::string format(const char *fmt, double a, double b = 0, double c = 0) {
  char text[160];
  std::snprintf(text, sizeof text, fmt, a, b, c);
  return text;
}

std::string setting_text(TunerPoint p) {
  return "partitions of " + bytes_text(p.partition_bytes) + ", " + bytes_text(p.credit_bytes) +
         " in flight";
}

// Matérn 5/2 of the scaled distance r.
double matern52(double r) {
  const double a = std::sqrt(5.0) * r;
  return (1.0 + a + a * a / 3.0) * std::exp(-a);
}

double kernel(const GaussianProcess::Hyper &h, const GaussianProcess::Point &a,
              const GaussianProcess::Point &b) {
  // The distance in a sheared frame: along x0, and along x1 - shear x0.
  const double d0 = (a[0] - b[0]) / h.length[0];
  const double d1 = ((a[1] - b[1]) - h.shear * (a[0] - b[0])) / h.length[1];
  return h.signal_variance * matern52(std::sqrt(d0 * d0 + d1 * d1));
}

// The grid the hyper-parameters are chosen from, in log2 bytes and in units of the
// normalized outputs (unit variance). Length scales of 3 to 12 (a factor of 8 to 4096 in
// either knob): a time that changes within a factor of 2 of a knob cannot be learnt from
// 15 probes of a 15 x 7 grid, and shorter scales made expected improvement chase the
// grid's edges. Shear 0 measures the credit in bytes, 1 in partitions (a valley along
// credit = bandwidth x latency, or along credit = k partitions). Signal variance around
// 1; noise from none (1e-6, for conditioning) to a third of the signal.
std::vector<GaussianProcess::Hyper> hyper_grid() {
  std::vector<GaussianProcess::Hyper> grid;
  for (double shear : {0.0, 1.0})
    for (double lp : {3.0, 6.0, 12.0})
      for (double lc : {3.0, 6.0, 12.0})
        for (double s2 : {0.5, 1.0, 2.0})
          for (double n2 : {1e-6, 1e-3, 1e-2, 0.1, 0.3})
            grid.push_back(GaussianProcess::Hyper{{lp, lc}, shear, s2, n2});
  return grid;
}

std::int64_t power_of_two_at_least(double v) {
  std::int64_t p = 1;
  while (static_cast<double>(p) < v && p < (std::int64_t{1} << 62))
    p <<= 1;
  return p;
}

// Why the first probe is where it is, for the log.
std::string seed_reason(const LinkProfile &profile) {
  const double bdp = profile.bandwidth_bytes_per_second * profile.latency_seconds;
  if (!(bdp > 0))
    return "as given";
  return "from the link: bandwidth x latency = " +
         bytes_text(static_cast<std::int64_t>(std::llround(bdp)));
}

double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2.0 * kPi); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// The probe of lowest posterior mean (log seconds), and that mean.
std::pair<std::size_t, double> incumbent(const GaussianProcess &gp,
                                         const std::vector<std::size_t> &probed,
                                         const std::vector<GaussianProcess::Point> &x) {
  std::size_t best = 0;
  double best_mean = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < probed.size(); ++k) {
    const double m = gp.predict(x[probed[k]]).mean;
    if (m < best_mean) {
      best = k;
      best_mean = m;
    }
  }
  return {best, best_mean};
}

// Probes at the end of a round that measure a promising point again.
int confirmations(int budget) { return budget >= 8 ? 2 : 0; }
// Probes before those that look only next to the incumbent.
int refinements(int budget) { return budget >= 10 ? budget / 3 : 0; }

} // namespace

// ---------------------------------------------------------------------------------------
// Gaussian process

GaussianProcess GaussianProcess::with(const Hyper &hyper, std::vector<Point> x,
                                      std::vector<double> y) {
  WEFT_RT_INTERNAL_ASSERT(!x.empty() && x.size() == y.size(),
                          "a Gaussian process needs one output per input, and at least one");
  GaussianProcess gp;
  gp.hyper_ = hyper;
  gp.x_ = std::move(x);
  // Outputs normalized to mean 0 and variance 1 (a scale floor of 1e-3 keeps equal
  // outputs finite: the hyper-parameters are in these units).
  double mean = 0;
  for (double v : y)
    mean += v;
  mean /= static_cast<double>(y.size());
  double var = 0;
  for (double v : y)
    var += (v - mean) * (v - mean);
  var /= static_cast<double>(y.size());
  gp.offset_ = mean;
  gp.scale_ = std::max(std::sqrt(var), 1e-3);
  for (double &v : y)
    v = (v - gp.offset_) / gp.scale_;
  gp.y_ = std::move(y);
  if (!gp.factor())
    gp.log_likelihood_ = -std::numeric_limits<double>::infinity();
  return gp;
}

GaussianProcess GaussianProcess::fit(std::vector<Point> x, std::vector<double> y) {
  GaussianProcess best;
  bool found = false;
  for (const Hyper &h : hyper_grid()) {
    GaussianProcess gp = with(h, x, y);
    if (std::isfinite(gp.log_likelihood_) &&
        (!found || gp.log_likelihood_ > best.log_likelihood_)) {
      best = std::move(gp);
      found = true;
    }
  }
  WEFT_RT_INTERNAL_ASSERT(found, "no hyper-parameters of the grid give a positive definite "
                                 "covariance, though every one has noise on its diagonal");
  return best;
}

bool GaussianProcess::factor() {
  const std::size_t n = x_.size();
  // K + n² I (the small constant keeps a noiseless fit factorable).
  std::vector<double> a(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j <= i; ++j)
      a[i * n + j] = a[j * n + i] = kernel(hyper_, x_[i], x_[j]);
    a[i * n + i] += hyper_.noise_variance + 1e-10;
  }
  // Cholesky, A = L Lᵀ, row by row: L_ij = (A_ij - Σ_{k<j} L_ik L_jk) / L_jj,
  // L_ii = sqrt(A_ii - Σ_{k<i} L_ik²).
  chol_.assign(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j <= i; ++j) {
      double s = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k)
        s -= chol_[i * n + k] * chol_[j * n + k];
      if (i == j) {
        if (!(s > 0))
          return false;
        chol_[i * n + i] = std::sqrt(s);
      } else {
        chol_[i * n + j] = s / chol_[j * n + j];
      }
    }
  }
  // alpha = L⁻ᵀ L⁻¹ y; log p(y) = -yᵀ alpha / 2 - Σ log L_ii - n log(2π) / 2.
  std::vector<double> z(n);
  for (std::size_t i = 0; i < n; ++i) {
    double s = y_[i];
    for (std::size_t k = 0; k < i; ++k)
      s -= chol_[i * n + k] * z[k];
    z[i] = s / chol_[i * n + i];
  }
  alpha_.assign(n, 0.0);
  for (std::size_t i = n; i-- > 0;) {
    double s = z[i];
    for (std::size_t k = i + 1; k < n; ++k)
      s -= chol_[k * n + i] * alpha_[k];
    alpha_[i] = s / chol_[i * n + i];
  }
  double fit = 0, log_det = 0;
  for (std::size_t i = 0; i < n; ++i) {
    fit += y_[i] * alpha_[i];
    log_det += std::log(chol_[i * n + i]);
  }
  log_likelihood_ = -0.5 * fit - log_det - 0.5 * static_cast<double>(n) * std::log(2.0 * kPi);
  return true;
}

GaussianProcess::Prediction GaussianProcess::predict(const Point &at) const {
  // mean = k*ᵀ alpha; variance = k(x*, x*) - vᵀ v with L v = k*.
  const std::size_t n = x_.size();
  std::vector<double> k(n), v(n);
  double mean = 0;
  for (std::size_t i = 0; i < n; ++i) {
    k[i] = kernel(hyper_, at, x_[i]);
    mean += k[i] * alpha_[i];
  }
  double explained = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double s = k[i];
    for (std::size_t j = 0; j < i; ++j)
      s -= chol_[i * n + j] * v[j];
    v[i] = s / chol_[i * n + i];
    explained += v[i] * v[i];
  }
  const double variance = std::max(0.0, kernel(hyper_, at, at) - explained);
  return Prediction{offset_ + scale_ * mean, scale_ * scale_ * variance};
}

double expected_improvement(double best, double mean, double sd) {
  const double gain = best - mean;
  if (!(sd > 1e-12))
    return std::max(gain, 0.0);
  const double z = gain / sd;
  return std::max(0.0, gain * normal_cdf(z) + sd * normal_pdf(z));
}

// ---------------------------------------------------------------------------------------
// The tuner

CommTuner::CommTuner(TunerOptions options, LinkProfile profile, TunerPoint fallback)
    : options_(std::move(options)), profile_(std::move(profile)), fallback_(fallback),
      chosen_(fallback) {
  // Partitions larger than the largest transfer all send it whole: the grid stops at the
  // first power of two that holds it.
  std::int64_t top = options_.max_partition_bytes;
  if (!profile_.transfer_bytes.empty()) {
    const std::int64_t largest =
        *std::max_element(profile_.transfer_bytes.begin(), profile_.transfer_bytes.end());
    top = std::min(top, power_of_two_at_least(static_cast<double>(largest)));
  }
  const std::int64_t bottom = power_of_two_at_least(
      static_cast<double>(std::max<std::int64_t>(1, options_.min_partition_bytes)));
  top = std::max(top, bottom);
  multiples_ = 0;
  for (std::int64_t m = 1; m <= std::max(1, options_.max_credit_partitions); m <<= 1)
    ++multiples_;
  for (std::int64_t p = bottom; p <= top; p <<= 1) {
    for (std::int64_t m = 1; m <= std::max(1, options_.max_credit_partitions); m <<= 1) {
      grid_.push_back(TunerPoint{p, p * m});
      grid_x_.push_back({std::log2(static_cast<double>(p)), std::log2(static_cast<double>(p * m))});
    }
  }
  WEFT_RT_INTERNAL_ASSERT(!grid_.empty() && grid_.size() % multiples_ == 0,
                          "the tuner's grid is a non-empty rectangle of partitions x credits");
  tuned_bandwidth_ = profile_.bandwidth_bytes_per_second;
  if (options_.budget > 0)
    start_round(seed_point(profile_, fallback_), seed_reason(profile_));
}

std::size_t CommTuner::nearest(TunerPoint p) const {
  // Nearest in log2 space; ties go to the first in grid order.
  const double lp = std::log2(static_cast<double>(std::max<std::int64_t>(1, p.partition_bytes)));
  const double lc = std::log2(static_cast<double>(std::max<std::int64_t>(1, p.credit_bytes)));
  std::size_t best = 0;
  double best_d = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < grid_.size(); ++i) {
    const double d =
        (grid_x_[i][0] - lp) * (grid_x_[i][0] - lp) + (grid_x_[i][1] - lc) * (grid_x_[i][1] - lc);
    if (d < best_d - 1e-12) {
      best = i;
      best_d = d;
    }
  }
  return best;
}

TunerPoint CommTuner::seed_point(const LinkProfile &profile, TunerPoint fallback) const {
  const double bdp = profile.bandwidth_bytes_per_second * profile.latency_seconds;
  if (!(bdp > 0))
    return grid_[nearest(fallback)];
  // A message's fixed cost (latency) at most a fifth of its time: p / bandwidth >=
  // 4 latency; a transfer needed first waits behind at most a quarter of the largest.
  double p = 4 * bdp;
  if (!profile.transfer_bytes.empty()) {
    const double largest = static_cast<double>(
        *std::max_element(profile.transfer_bytes.begin(), profile.transfer_bytes.end()));
    p = std::min(p, std::max(largest / 4, 1.0));
  }
  const std::int64_t partition = power_of_two_at_least(p);
  // The link stays busy only if the credit covers a partition plus the bytes still on
  // the wire: credit >= partition + bandwidth x latency, and at least two partitions.
  const std::int64_t credits =
      std::max<std::int64_t>(2, power_of_two_at_least(1 + bdp / static_cast<double>(partition)));
  return grid_[nearest(TunerPoint{partition, partition * credits})];
}

void CommTuner::start_round(TunerPoint seed, const std::string &why) {
  probed_.clear();
  times_.clear();
  design_.clear();
  probing_ = true;
  ++rounds_;
  round_bandwidth_sum_ = 0;
  round_bandwidth_count_ = 0;
  next_ = nearest(seed);
  next_reason_ = why;
  // After the seed, points spread over the grid (a quarter and three quarters along each
  // axis), nearest the seed first, so that the first fit sees the surface's shape: about
  // a third of the budget, at most four.
  const std::size_t partitions = grid_.size() / multiples_;
  const auto at = [](std::size_t count, int quarter) {
    return static_cast<std::size_t>(std::lround(static_cast<double>(count - 1) * quarter / 4.0));
  };
  std::vector<std::size_t> spread;
  for (int qp : {1, 3})
    for (int qm : {1, 3}) {
      const std::size_t i = at(partitions, qp) * multiples_ + at(multiples_, qm);
      if (i != next_ && std::find(spread.begin(), spread.end(), i) == spread.end())
        spread.push_back(i);
    }
  const auto distance = [&](std::size_t i) {
    const double dp = grid_x_[i][0] - grid_x_[next_][0], dc = grid_x_[i][1] - grid_x_[next_][1];
    return dp * dp + dc * dc;
  };
  std::stable_sort(spread.begin(), spread.end(),
                   [&](std::size_t a, std::size_t b) { return distance(a) < distance(b); });
  spread.resize(std::min<std::size_t>(spread.size(), std::min(4, options_.budget / 3)));
  design_ = spread;
}

GaussianProcess CommTuner::model() const {
  std::vector<GaussianProcess::Point> x;
  std::vector<double> y;
  for (std::size_t k = 0; k < probed_.size(); ++k) {
    x.push_back(grid_x_[probed_[k]]);
    y.push_back(std::log(times_[k]));
  }
  return GaussianProcess::fit(std::move(x), std::move(y));
}

void CommTuner::choose_next() {
  const std::size_t k = probed_.size();
  WEFT_RT_INTERNAL_ASSERT(k >= 1 && k == times_.size(),
                          "the next probe is chosen after a probe, with one time per probe");
  const auto was_probed = [&](std::size_t i) {
    return std::find(probed_.begin(), probed_.end(), i) != probed_.end();
  };
  std::size_t unprobed = 0;
  for (std::size_t i = 0; i < grid_.size(); ++i)
    unprobed += was_probed(i) ? 0 : 1;
  if (static_cast<int>(k) >= options_.budget) {
    finish_round();
    return;
  }
  if (k - 1 < design_.size() && !was_probed(design_[k - 1])) {
    next_ = design_[k - 1];
    next_reason_ = "spread over the grid";
    return;
  }
  const GaussianProcess gp = model();
  // The last probes measure again the probed point of lowest posterior mean that was
  // measured once: a single time may be flattered by noise, and two at one point show
  // the model how large the noise is.
  if (static_cast<int>(k) >= options_.budget - confirmations(options_.budget) || unprobed == 0) {
    std::size_t again = grid_.size();
    double again_mean = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < k; ++j) {
      const double m = gp.predict(grid_x_[probed_[j]]).mean;
      if (std::count(probed_.begin(), probed_.end(), probed_[j]) == 1 && m < again_mean) {
        again = probed_[j];
        again_mean = m;
      }
    }
    if (again < grid_.size()) {
      next_ = again;
      next_reason_ = "measured again";
      return;
    }
    if (unprobed == 0) {
      finish_round();
      return;
    }
  }
  // The unprobed point of largest expected improvement below the incumbent's posterior
  // mean; ties go to the first in grid order. The probes before the last ones look only
  // next to the incumbent (one step of either knob or both): the model, fitted to a
  // handful of times, is surest there, and a probe there never costs a slow loop.
  const std::pair<std::size_t, double> leader = incumbent(gp, probed_, grid_x_);
  const double best = leader.second;
  const bool local = static_cast<int>(k) >= options_.budget - confirmations(options_.budget) -
                                                refinements(options_.budget);
  const auto next_to_incumbent = [&](std::size_t i) {
    const std::size_t a = probed_[leader.first];
    const auto steps = [](std::size_t x, std::size_t y) { return x > y ? x - y : y - x; };
    return steps(i / multiples_, a / multiples_) <= 1 && steps(i % multiples_, a % multiples_) <= 1;
  };
  bool any_local = false;
  for (std::size_t i = 0; i < grid_.size() && local; ++i)
    any_local = any_local || (!was_probed(i) && next_to_incumbent(i));
  std::size_t pick = grid_.size();
  double pick_ei = -1;
  for (std::size_t i = 0; i < grid_.size(); ++i) {
    if (was_probed(i) || (any_local && !next_to_incumbent(i)))
      continue;
    const GaussianProcess::Prediction p = gp.predict(grid_x_[i]);
    const double ei = expected_improvement(best, p.mean, std::sqrt(p.variance));
    if (ei > pick_ei) {
      pick = i;
      pick_ei = ei;
    }
  }
  WEFT_RT_INTERNAL_ASSERT(pick < grid_.size(),
                          "the grid has an unprobed point, yet none was picked");
  next_ = pick;
  // In log seconds, so exp(ei) - 1 is the expected gain as a fraction of the time.
  next_reason_ = format("expected improvement %.1f%%", 100 * std::expm1(pick_ei));
}

void CommTuner::finish_round() {
  probing_ = false;
  const GaussianProcess gp = model();
  const auto [best, mean] = incumbent(gp, probed_, grid_x_);
  chosen_ = grid_[probed_[best]];
  if (round_bandwidth_count_ > 0)
    tuned_bandwidth_ = round_bandwidth_sum_ / round_bandwidth_count_;
  log_.push_back("communication " + setting_text(chosen_) + " (the best of " +
                 std::to_string(probed_.size()) + " probes by a Gaussian process: " +
                 format("%.4g s predicted, %.4g s measured; slowest probe %.4g s)", std::exp(mean),
                        times_[best], *std::max_element(times_.begin(), times_.end())));
}

TunerPoint CommTuner::next() const { return probing_ ? grid_[next_] : chosen_; }

void CommTuner::observe(double seconds) {
  if (!probing_)
    return;
  WEFT_RT_INTERNAL_ASSERT(std::count(probed_.begin(), probed_.end(), next_) < 2,
                          "the tuner probed a point of its grid three times in one round");
  // A time of zero (a loop too short for the clock) would have no logarithm.
  const double t = std::max(seconds, 1e-9);
  probed_.push_back(next_);
  times_.push_back(t);
  log_.push_back("probe " + std::to_string(probed_.size()) + " of " +
                 std::to_string(std::min<std::size_t>(options_.budget, 2 * grid_.size())) + ": " +
                 setting_text(grid_[next_]) + format(": %.4g s", t) +
                 (next_reason_.empty() ? "" : " (" + next_reason_ + ")"));
  choose_next();
}

bool CommTuner::report_bandwidth(double bytes_per_second) {
  if (options_.budget <= 0 || !(bytes_per_second > 0))
    return false;
  if (probing_) {
    round_bandwidth_sum_ += bytes_per_second;
    ++round_bandwidth_count_;
    return false;
  }
  if (!(tuned_bandwidth_ > 0)) { // tuned without a measurement: this one is the reference
    tuned_bandwidth_ = bytes_per_second;
    return false;
  }
  // A new round iff |b - b_tuned| > drift x b_tuned.
  const double change = std::abs(bytes_per_second - tuned_bandwidth_) / tuned_bandwidth_;
  if (!(change > options_.drift))
    return false;
  log_.push_back(format("bandwidth %.3g GB/s is %.0f%% away from the %.3g GB/s the "
                        "communication settings were tuned at: tuning them again",
                        bytes_per_second * 1e-9, 100 * change, tuned_bandwidth_ * 1e-9));
  const double old = tuned_bandwidth_;
  profile_.bandwidth_bytes_per_second = bytes_per_second;
  // From the link at its new bandwidth when its latency is known, else from the setting
  // that was best at the old one.
  const TunerPoint seed = seed_point(profile_, chosen_);
  start_round(seed, profile_.latency_seconds > 0
                        ? seed_reason(profile_)
                        : "the choice at " + format("%.3g GB/s", old * 1e-9));
  tuned_bandwidth_ = bytes_per_second;
  round_bandwidth_sum_ = bytes_per_second;
  round_bandwidth_count_ = 1;
  return true;
}

std::vector<std::string> CommTuner::take_log() {
  std::vector<std::string> lines;
  lines.swap(log_);
  return lines;
}

} // namespace weft::rt
