#include "LogisticRegression.h"

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
  kWeightStream = 1,
  kFeatureStream = 2,
  kLabelStream = 3,
  kSplitStream = 4
};

// Draws feature ids f in [1, features] with P(f) proportional to f^-a, by inverting the
// cumulative weights: f is the first id whose cumulative weight exceeds u * total.
class PowerLaw {
public:
  PowerLaw(std::int64_t features, double a) : cumulative_(static_cast<std::size_t>(features)) {
    double sum = 0.0;
    for (std::size_t n = 0; n < cumulative_.size(); ++n) {
      sum += std::pow(static_cast<double>(n + 1), -a);
      cumulative_[n] = sum;
    }
  }

  std::int64_t draw(Xoshiro256 &rng) const {
    const double target = rng.uniform01() * cumulative_.back();
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), target);
    // target < total, so `it` is the end only through rounding: take the last id.
    const std::size_t n =
        std::min(static_cast<std::size_t>(it - cumulative_.begin()), cumulative_.size() - 1);
    return static_cast<std::int64_t>(n) + 1;
  }

private:
  std::vector<double> cumulative_;
};

// One feature of an example: its id and its value.
struct Feature {
  std::int64_t id;
  double value;
};

std::string shortest(double v) {
  char text[32];
  *std::to_chars(text, text + sizeof text - 1, v).ptr = '\0';
  return text;
}

std::string header_line(const LrOptions &o, const char *split) {
  return "# weft-datagen lr --examples " + std::to_string(o.examples) + " --features " +
         std::to_string(o.features) + " --nnz " + std::to_string(o.nnz) + " --zipf " +
         shortest(o.zipf) + " --signal " + shortest(o.signal) + " --seed " +
         std::to_string(o.seed) + " --test-fraction " + shortest(o.test_fraction) + " (" + split +
         " split; lines: example feature value; feature 0 is the label, 0 or 1)\n";
}

} // namespace

LrCounts generate_lr(const LrOptions &o) {
  Xoshiro256 weight_rng(o.seed, kWeightStream);
  const double bias = weight_rng.normal();
  std::vector<double> weights(static_cast<std::size_t>(o.features) + 1, 0.0); // weights[0] unused
  for (std::size_t f = 1; f < weights.size(); ++f)
    weights[f] = o.signal * weight_rng.normal();

  const PowerLaw power_law(o.features, o.zipf);
  Xoshiro256 feature_rng(o.seed, kFeatureStream);
  Xoshiro256 label_rng(o.seed, kLabelStream);
  Xoshiro256 split_rng(o.seed, kSplitStream);

  AtomicFile train(o.train_path);
  AtomicFile test(o.test_path);
  train.write(header_line(o, "train"));
  test.write(header_line(o, "test"));

  LrCounts counts;
  std::vector<std::int64_t> draws;
  std::vector<Feature> example;
  const std::uint64_t draw_choices = 2 * static_cast<std::uint64_t>(o.nnz) - 1;
  for (std::int64_t n = 0; n < o.examples; ++n) {
    draws.resize(1 + feature_rng.below(draw_choices));
    for (std::int64_t &f : draws)
      f = power_law.draw(feature_rng);
    std::sort(draws.begin(), draws.end());

    // Runs of equal ids are counts; the values are the counts over their norm.
    example.clear();
    double squares = 0.0;
    for (std::size_t a = 0; a < draws.size();) {
      std::size_t b = a;
      while (b < draws.size() && draws[b] == draws[a])
        ++b;
      const double count = static_cast<double>(b - a);
      example.push_back(Feature{draws[a], count});
      squares += count * count;
      a = b;
    }
    const double norm = std::sqrt(squares);
    double margin = bias;
    for (Feature &x : example) {
      x.value /= norm;
      margin += weights[static_cast<std::size_t>(x.id)] * x.value;
    }
    const int label = label_rng.uniform01() < 1.0 / (1.0 + std::exp(-margin)) ? 1 : 0;
    counts.positives += label;

    const bool to_test = split_rng.uniform01() < o.test_fraction;
    AtomicFile &out = to_test ? test : train;
    const std::int64_t id = to_test ? counts.test++ : counts.train++;
    (to_test ? counts.test_entries : counts.train_entries) +=
        static_cast<std::int64_t>(example.size());
    if (to_test && label == (margin > 0.0 ? 1 : 0))
      ++counts.test_bayes_correct;
    // Lines "example feature value".
    write_triple(out, id, 0, label);
    for (const Feature &x : example)
      write_triple(out, id, x.id, x.value);
  }
  train.commit();
  test.commit();
  return counts;
}

} // namespace weft::datagen
