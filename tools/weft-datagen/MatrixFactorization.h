// The "mf" data set: a synthetic low-rank matrix-factorization problem.
#pragma once

#include <cstdint>
#include <string>

namespace weft::datagen {

struct MfOptions {
  std::int64_t users = 0;   // rows of the rating matrix, keys [0, users)
  std::int64_t items = 0;   // columns, keys [0, items)
  std::int64_t ratings = 0; // distinct (user, item) pairs to rate, <= users * items
  int rank = 16;            // rank K of the true factors
  double noise = 0.3;       // standard deviation of the Gaussian rating noise
  std::uint64_t seed = 1;
  double test_fraction = 0.1; // probability that a rating goes to the test file
  std::string train_path;
  std::string test_path;
};

struct MfCounts {
  std::int64_t train = 0;
  std::int64_t test = 0;
};

// True factors W*[users, K] and H*[items, K] have i.i.d. N(0, K^-1/2) entries (standard
// deviation K^-1/4), so that a dot product of a row of each has variance 1. `ratings`
// distinct pairs (u, i) are drawn uniformly without replacement, in random order, and
// rated dot(W*_u, H*_i) + N(0, noise^2). Each rating goes to the test file with
// probability test_fraction, else to the train file; lines read "u i rating".
//
// The output is a function of the options alone (our own PRNG streams: one for the
// factors, one for the pairs, one for the noise, one for the split, so e.g. the factors
// do not change with `ratings`). Both files are written atomically; throws
// std::runtime_error on an I/O error. The options must be valid (see main.cpp).
MfCounts generate_mf(const MfOptions &options);

} // namespace weft::datagen
