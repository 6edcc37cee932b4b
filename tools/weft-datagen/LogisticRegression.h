// The "lr" data set: a synthetic sparse binary-classification problem for logistic
// regression.
#pragma once

#include <cstdint>
#include <string>

namespace weft::datagen {

struct LrOptions {
  std::int64_t examples = 0; // examples to draw, over both files
  std::int64_t features = 0; // feature ids [1, features]; id 0 holds the label
  std::int64_t nnz = 10;     // mean number of feature draws per example
  double zipf = 1.0;         // exponent a of the feature frequencies, P(f) ~ f^-a
  double signal = 4.0;       // standard deviation of the true weights
  std::uint64_t seed = 1;
  double test_fraction = 0.1; // probability that an example goes to the test file
  std::string train_path;
  std::string test_path;
};

struct LrCounts {
  std::int64_t train = 0;         // examples in the train file
  std::int64_t test = 0;          // examples in the test file
  std::int64_t train_entries = 0; // feature lines (non-zeros) in the train file
  std::int64_t test_entries = 0;
  std::int64_t positives = 0;          // examples labelled 1, over both files
  std::int64_t test_bayes_correct = 0; // test examples whose label is 1 iff margin > 0
};

// The hidden model: true weights w*_f ~ N(0, signal^2) for f in [1, features] and a
// bias b* ~ N(0, 1). An example draws m feature ids, m uniform in [1, 2 nnz - 1], each
// independently with P(f) = f^-zipf / sum_g g^-zipf (feature 1 is the most frequent);
// a feature drawn c times has count c. Its values are the counts scaled to unit
// Euclidean norm, x_f = c_f / ||c||, so that the margin b* + sum_f w*_f x_f has standard
// deviation about signal whatever m is. The label is 1 with probability
// sigmoid(margin) = 1 / (1 + exp(-margin)), else 0: the logistic model itself is the
// label noise, and no classifier beats the Bayes rule "1 iff margin > 0".
//
// Each example goes to the test file with probability test_fraction, else to the train
// file. Examples are numbered 0, 1, ... in each file separately; example i appears as a
// label line "i 0 y" (y is 0 or 1) followed by its feature lines "i f x_f" in increasing
// f, so weft::load_triples<float, 2> reads a file whole and column 0 is the label.
//
// The output is a function of the options alone (separate PRNG streams for the weights,
// the feature draws, the labels and the split, so e.g. the weights do not change with
// `examples`). Both files are written atomically; throws std::runtime_error on an I/O
// error. The options must be valid (see main.cpp).
LrCounts generate_lr(const LrOptions &options);

} // namespace weft::datagen
