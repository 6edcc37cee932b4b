#include "MatrixFactorization.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "AtomicFile.h"
#include "Random.h"
#include "TripleLine.h"

namespace weft::datagen {
namespace {

enum Stream : std::uint64_t {
  kFactorStream = 1,
  kPairStream = 2,
  kNoiseStream = 3,
  kSplitStream = 4
};

// Pair p in [0, users * items) stands for (p / items, p % items).
//
// Returns `count` distinct pairs, a uniformly random subset in uniformly random order.
// Sparse case (count <= total / 2): draw with replacement, sort, drop repeats, draw the
// missing number again until none is missing; by symmetry between pair labels the
// resulting set is a uniform subset. Dense case: selection sampling (Knuth's algorithm
// S), which visits all total <= 2 * count pairs. Both then shuffle (Fisher-Yates).
std::vector<std::uint64_t> sample_pairs(std::uint64_t total, std::uint64_t count, Xoshiro256 &rng) {
  std::vector<std::uint64_t> pairs;
  pairs.reserve(count);
  if (count <= total / 2) {
    while (pairs.size() < count) {
      const std::size_t sorted_end = pairs.size();
      const std::uint64_t missing = count - sorted_end;
      for (std::uint64_t n = 0; n < missing; ++n)
        pairs.push_back(rng.below(total));
      std::sort(pairs.begin() + static_cast<std::ptrdiff_t>(sorted_end), pairs.end());
      std::inplace_merge(pairs.begin(), pairs.begin() + static_cast<std::ptrdiff_t>(sorted_end),
                         pairs.end());
      pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    }
  } else {
    // Pair t is selected with probability (still needed) / (still left), which makes
    // every count-subset equally likely.
    for (std::uint64_t t = 0; pairs.size() < count; ++t) {
      if (rng.below(total - t) < count - pairs.size())
        pairs.push_back(t);
    }
  }
  for (std::size_t n = pairs.size(); n > 1; --n) {
    std::swap(pairs[n - 1], pairs[static_cast<std::size_t>(rng.below(n))]);
  }
  return pairs;
}

std::vector<double> normal_factors(std::int64_t rows, int rank, double stddev, Xoshiro256 &rng) {
  std::vector<double> f(static_cast<std::size_t>(rows) * static_cast<std::size_t>(rank));
  for (double &x : f)
    x = stddev * rng.normal();
  return f;
}

std::string header_line(const MfOptions &o, const char *split) {
  char noise[32], fraction[32];
  *std::to_chars(noise, noise + sizeof noise - 1, o.noise).ptr = '\0';
  *std::to_chars(fraction, fraction + sizeof fraction - 1, o.test_fraction).ptr = '\0';
  return "# weft-datagen mf --users " + std::to_string(o.users) + " --items " +
         std::to_string(o.items) + " --ratings " + std::to_string(o.ratings) + " --rank " +
         std::to_string(o.rank) + " --noise " + noise + " --seed " + std::to_string(o.seed) +
         " --test-fraction " + fraction + " (" + split + " split; lines: user item rating)\n";
}

} // namespace

MfCounts generate_mf(const MfOptions &o) {
  const std::size_t K = static_cast<std::size_t>(o.rank);
  const double factor_stddev = std::pow(static_cast<double>(o.rank), -0.25);

  Xoshiro256 factor_rng(o.seed, kFactorStream);
  const std::vector<double> W = normal_factors(o.users, o.rank, factor_stddev, factor_rng);
  const std::vector<double> H = normal_factors(o.items, o.rank, factor_stddev, factor_rng);

  Xoshiro256 pair_rng(o.seed, kPairStream);
  const std::uint64_t items = static_cast<std::uint64_t>(o.items);
  const std::vector<std::uint64_t> pairs = sample_pairs(
      static_cast<std::uint64_t>(o.users) * items, static_cast<std::uint64_t>(o.ratings), pair_rng);

  AtomicFile train(o.train_path);
  AtomicFile test(o.test_path);
  train.write(header_line(o, "train"));
  test.write(header_line(o, "test"));

  Xoshiro256 noise_rng(o.seed, kNoiseStream);
  Xoshiro256 split_rng(o.seed, kSplitStream);
  MfCounts counts;
  for (const std::uint64_t p : pairs) {
    const std::uint64_t u = p / items, i = p % items;
    const double *w = &W[u * K];
    const double *h = &H[i * K];
    double rating = 0.0;
    for (std::size_t k = 0; k < K; ++k)
      rating += w[k] * h[k];
    rating += o.noise * noise_rng.normal();
    // Lines "u i rating"; u < users and i < items, both below 2^63.
    const auto user = static_cast<std::int64_t>(u), item = static_cast<std::int64_t>(i);
    if (split_rng.uniform01() < o.test_fraction) {
      write_triple(test, user, item, rating);
      ++counts.test;
    } else {
      write_triple(train, user, item, rating);
      ++counts.train;
    }
  }
  train.commit();
  test.commit();
  return counts;
}

} // namespace weft::datagen
