// Synthetic step-time surfaces over (partition size, credit) for the communication tuner's
// tests and its bench (bench/comm/tuner_bench.cpp): seconds per loop as a function of the
// two knobs, shaped like what a loop that overlaps transfers with compute measures.
//
// u = log2 partition, w = log2 (credit / partition).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "weft/rt/comm_tuner.h"

namespace weft_test {

struct Surface {
  std::string name;
  // Seconds of one loop at a setting, without noise.
  std::function<double(weft::rt::TunerPoint)> time;
  double noise = 0;              // relative standard deviation of one measurement
  weft::rt::LinkProfile profile; // what the caller would pass the tuner
};

inline double log2_bytes(std::int64_t b) { return std::log2(static_cast<double>(b)); }

// A loop that moves `transfers` over a link of bandwidth `beta` (bytes/s) and latency
// `alpha` (s), with `compute` seconds of work that the transfers overlap, `per_message`
// seconds of processor time per partition, and a transfer needed first that waits behind
// the bytes already in flight.
inline double modeled_time(weft::rt::TunerPoint s, const std::vector<std::int64_t> &transfers,
                           double beta, double alpha, double compute, double per_message) {
  const double p = static_cast<double>(s.partition_bytes);
  const double c = static_cast<double>(s.credit_bytes);
  double bytes = 0, messages = 0, largest = 0;
  for (std::int64_t t : transfers) {
    bytes += static_cast<double>(t);
    messages += std::ceil(static_cast<double>(t) / p);
    largest = std::max(largest, static_cast<double>(t));
  }
  // The link is busy only while the credit covers a partition plus the bytes still on
  // the wire (bandwidth x latency).
  const double busy = std::min(1.0, c / (std::min(p, largest) + beta * alpha));
  const double wire = bytes / (beta * busy) + messages * per_message;
  // Priority inversion: the urgent transfer queues behind what is in flight.
  const double blocked = std::min(c, bytes) / beta;
  return std::max(compute, wire) + 0.5 * blocked + 0.2 * std::min(p, largest) / beta;
}

// Each surface exact, then each again with measurements off by `noise` (relative
// standard deviation).
inline std::vector<Surface> synthetic_surfaces(double noise = 0.02) {
  std::vector<Surface> surfaces;
  // A bowl in log space with a flat bottom (a plateau of near-equal settings around the
  // best): the partition matters within a factor of ~3, the credit within ~2.
  surfaces.push_back(Surface{"bowl with a plateau",
                             [](weft::rt::TunerPoint s) {
                               const double u = log2_bytes(s.partition_bytes);
                               const double w = log2_bytes(s.credit_bytes) - u;
                               const double du = std::max(0.0, std::abs(u - 19) - 1.5);
                               const double dw = std::max(0.0, std::abs(w - 3) - 1);
                               return 0.100 * (1 + 0.03 * du * du + 0.08 * dw * dw);
                             },
                             0, weft::rt::LinkProfile{}});
  // The same far from where a tuner without a profile starts (4 MiB partitions): best
  // at 16 KiB partitions and 32 of them in flight, and a plateau beyond 4 MiB partitions
  // (larger than every transfer: nothing is cut any more).
  surfaces.push_back(Surface{"bowl far off, plateau",
                             [](weft::rt::TunerPoint s) {
                               const double u = std::min(log2_bytes(s.partition_bytes), 22.0);
                               const double w =
                                   log2_bytes(s.credit_bytes) - log2_bytes(s.partition_bytes);
                               const double du = std::max(0.0, std::abs(u - 14) - 1);
                               const double dw = std::max(0.0, std::abs(w - 5) - 0.5);
                               return 0.200 * (1 + 0.02 * du * du + 0.04 * dw * dw);
                             },
                             0, weft::rt::LinkProfile{}});
  // A ridge of throughput (a valley of time) along credit = 8 MiB whatever the
  // partition, steep across it and shallow along it.
  surfaces.push_back(Surface{"ridge along credit = 8 MiB",
                             [](weft::rt::TunerPoint s) {
                               const double u = log2_bytes(s.partition_bytes);
                               const double across = log2_bytes(s.credit_bytes) - 23;
                               return 0.050 *
                                      (1 + 0.15 * across * across + 0.01 * (u - 17) * (u - 17));
                             },
                             0, weft::rt::LinkProfile{}});
  // A VGG-like step over a 10 Gb/s link with 50 us latency: large late-layer tensors,
  // communication about equal to computation.
  {
    const std::vector<std::int64_t> sizes = {std::int64_t{1} << 16,  std::int64_t{1} << 18,
                                             std::int64_t{1} << 20,  std::int64_t{4} << 20,
                                             std::int64_t{9} << 20,  std::int64_t{64} << 20,
                                             std::int64_t{16} << 20, std::int64_t{4} << 20};
    const double beta = 1.25e9, alpha = 50e-6;
    surfaces.push_back(Surface{
        "VGG-like, 10 Gb/s",
        [=](weft::rt::TunerPoint s) { return modeled_time(s, sizes, beta, alpha, 0.08, 30e-6); }, 0,
        weft::rt::LinkProfile{beta, alpha, sizes}});
  }
  // A ResNet-like step (many small tensors, little communication) over 1 Gb/s, 200 us.
  {
    std::vector<std::int64_t> sizes;
    for (int k = 0; k < 50; ++k)
      sizes.push_back((std::int64_t{16} << 10) * (1 + k % 8));
    sizes.push_back(std::int64_t{8} << 20);
    const double beta = 1.25e8, alpha = 200e-6;
    surfaces.push_back(Surface{
        "ResNet-like, 1 Gb/s",
        [=](weft::rt::TunerPoint s) { return modeled_time(s, sizes, beta, alpha, 0.12, 40e-6); }, 0,
        weft::rt::LinkProfile{beta, alpha, sizes}});
  }
  const std::size_t exact = surfaces.size();
  for (std::size_t k = 0; k < exact; ++k) {
    Surface noisy = surfaces[k];
    noisy.name += ", " + std::to_string(static_cast<int>(std::lround(noise * 100))) + "% noise";
    noisy.noise = noise;
    surfaces.push_back(noisy);
  }
  return surfaces;
}

// One measurement: the surface's time, times 1 + noise x a standard normal draw.
inline double measure(const Surface &s, weft::rt::TunerPoint p, std::mt19937_64 &random) {
  std::normal_distribution<double> normal(0.0, 1.0);
  const double t = s.time(p);
  return s.noise > 0 ? t * std::max(0.5, 1 + s.noise * normal(random)) : t;
}

// The best time of the tuner's candidate grid, by trying every point (without noise).
inline double exhaustive_best(const Surface &s, const std::vector<weft::rt::TunerPoint> &grid) {
  double best = s.time(grid.front());
  for (const weft::rt::TunerPoint &p : grid)
    best = std::min(best, s.time(p));
  return best;
}

} // namespace weft_test
