// Sparse logistic regression by stochastic gradient descent: the serial program that
// weftc parallelizes. An example x (a few non-zero features) is labelled 1 with
// probability sigmoid(w0 + sum_f w_f x_f), where w0 is the bias; SGD on the log loss
// updates, per example, the bias and the weights of the example's features.
//
//   sparse-lr --train PATH --test PATH [--epochs 10] [--lr 0.2] [--reg 0] [--seed 1]
//             [--max-delay 200]
//
// Data: lines "example feature value" (weft::load_triples<float, 2>); feature 0 is the
// label (0 or 1) and every example 0, 1, ..., n-1 has one label line; features 1, 2, ...
// are the non-zeros. `weft-datagen lr` writes such files.
//
// Prints CSV on stdout: epoch,seconds,train_loss,test_loss,test_accuracy (seconds:
// cumulative wall time of the training loops; train_loss: mean log loss over the
// epoch's SGD updates, each before its update; test: after the epoch, predicting 1 iff
// the margin is positive). The training examples run in an order shuffled by --seed;
// for a seed the output is the same on every run (but the seconds).
// Exit status: 0, 1 on a data error, 2 on bad arguments.
#include <weft/weft.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "../common/sample_main.h"

namespace {

using weft_samples::seconds_since;

struct Options {
  std::string train_path;
  std::string test_path;
  int epochs = 10;
  // Defaults tuned on `weft-datagen lr --examples 200000 --features 20000 --seed 1`
  // (samples/sparse-lr/README.md).
  float lr = 0.2f;              // SGD step size
  float reg = 0.0f;             // L2 regularization of the feature weights (not the bias)
  std::uint64_t seed = 1;       // order of the training examples
  std::int64_t max_delay = 200; // the weight Buffer's staleness bound (parallel runs only)
};

constexpr const char *kUsage =
    "usage: sparse-lr --train PATH --test PATH [--epochs 10] [--lr 0.2] [--reg 0] [--seed 1]\n"
    "                 [--max-delay 200]\n";

constexpr weft_samples::CommandLine kCommandLine("sparse-lr", kUsage);

Options parse_options(int argc, char **argv) {
  Options o;
  kCommandLine.for_each_flag(argc, argv, [&](const std::string &flag, const std::string &value) {
    if (flag == "--train")
      o.train_path = value;
    else if (flag == "--test")
      o.test_path = value;
    else if (flag == "--epochs")
      o.epochs = kCommandLine.number<int>(flag, value, 0, 1000000);
    else if (flag == "--lr")
      o.lr = kCommandLine.number<float>(flag, value, 0.0f, 100.0f);
    else if (flag == "--reg")
      o.reg = kCommandLine.number<float>(flag, value, 0.0f, 100.0f);
    else if (flag == "--seed")
      o.seed = kCommandLine.number<std::uint64_t>(flag, value, 0, UINT64_MAX);
    else if (flag == "--max-delay")
      o.max_delay = kCommandLine.number<std::int64_t>(flag, value, 1, INT64_MAX);
    else
      return false;
    return true;
  });
  if (o.train_path.empty())
    kCommandLine.usage_error("missing --train");
  if (o.test_path.empty())
    kCommandLine.usage_error("missing --test");
  return o;
}

// Examples in compressed sparse row form: example i has label label[i] and the non-zeros
// (feature[k], value[k]) for k in [start[i], start[i + 1]).
struct Examples {
  std::vector<std::int64_t> start{0};
  std::vector<std::int64_t> feature;
  std::vector<float> value;
  std::vector<float> label;
  std::int64_t features = 1; // 1 + the largest feature id seen (column 0: the label)

  std::int64_t count() const { return static_cast<std::int64_t>(label.size()); }
};

// Reads a file of "example feature value" lines: column 0 holds each example's label.
// Throws weft::Error "<path>: ..." unless every example 0..n-1 has a label 0 or 1.
Examples read_examples(const std::string &path) {
  const weft::SparseArray<float, 2> X = weft::load_triples<float, 2>(path);
  const auto shape = X.shape();
  const std::int64_t n = shape[0];
  Examples ex;
  ex.features = std::max<std::int64_t>(shape[1], 1);
  ex.label.assign(static_cast<std::size_t>(n), -1.0f);
  std::vector<std::int64_t> nonzeros(static_cast<std::size_t>(n), 0);
  for (const auto &e : X) {
    const std::size_t i = static_cast<std::size_t>(e.key[0]);
    if (e.key[1] != 0) {
      ++nonzeros[i];
    } else if (e.value == 0.0f || e.value == 1.0f) {
      ex.label[i] = e.value;
    } else {
      char label[32];
      std::snprintf(label, sizeof label, "%g", static_cast<double>(e.value));
      throw weft::Error(path + ": example " + std::to_string(e.key[0]) + " has label " + label +
                        " (feature 0), expected 0 or 1");
    }
  }
  for (std::int64_t i = 0; i < n; ++i) {
    if (ex.label[static_cast<std::size_t>(i)] < 0.0f) {
      throw weft::Error(path + ": example " + std::to_string(i) + " has no label line \"" +
                        std::to_string(i) + " 0 <0 or 1>\" (examples are numbered 0.." +
                        std::to_string(n - 1) + ")");
    }
  }
  ex.start.resize(static_cast<std::size_t>(n) + 1);
  for (std::size_t i = 0; i < nonzeros.size(); ++i)
    ex.start[i + 1] = ex.start[i] + nonzeros[i];
  ex.feature.resize(static_cast<std::size_t>(ex.start.back()));
  ex.value.resize(ex.feature.size());
  std::vector<std::int64_t> next(ex.start.begin(), ex.start.end() - 1);
  for (const auto &e : X) {
    if (e.key[1] == 0)
      continue;
    const std::size_t k = static_cast<std::size_t>(next[static_cast<std::size_t>(e.key[0])]++);
    ex.feature[k] = e.key[1];
    ex.value[k] = e.value;
  }
  return ex;
}

// The examples in a random order that depends on `seed` alone (std::mt19937_64's output
// is fixed by the standard; the draw below uses no std:: distribution).
Examples shuffled(const Examples &ex, std::uint64_t seed) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(ex.count()));
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = static_cast<std::int64_t>(i);
  std::mt19937_64 rng(seed);
  for (std::size_t n = order.size(); n > 1; --n)
    std::swap(order[n - 1], order[rng() % n]);

  Examples out;
  out.features = ex.features;
  out.start.reserve(ex.start.size());
  out.feature.reserve(ex.feature.size());
  out.value.reserve(ex.value.size());
  out.label.reserve(ex.label.size());
  for (const std::int64_t i : order) {
    const auto first = static_cast<std::size_t>(ex.start[static_cast<std::size_t>(i)]);
    const auto last = static_cast<std::size_t>(ex.start[static_cast<std::size_t>(i) + 1]);
    out.feature.insert(out.feature.end(), ex.feature.begin() + first, ex.feature.begin() + last);
    out.value.insert(out.value.end(), ex.value.begin() + first, ex.value.begin() + last);
    out.label.push_back(ex.label[static_cast<std::size_t>(i)]);
    out.start.push_back(static_cast<std::int64_t>(out.feature.size()));
  }
  return out;
}

template <class T> weft::DistArray<T, 1> dist_array(const std::vector<T> &v) {
  weft::DistArray<T, 1> a({static_cast<std::int64_t>(v.size())});
  std::copy(v.begin(), v.end(), a.data());
  return a;
}

// The log loss of predicting sigmoid(margin) for `label` (0 or 1): softplus(-margin) for
// label 1, softplus(margin) for label 0, where softplus(z) = log(1 + e^z), computed as
// max(z, 0) + log1p(e^-|z|) so that no exp overflows.
double log_loss(float margin, float label) {
  const double z = label > 0.5f ? -static_cast<double>(margin) : static_cast<double>(margin);
  return (z > 0.0 ? z : 0.0) + std::log1p(std::exp(-std::fabs(z)));
}

struct Evaluation {
  double loss = 0.0;     // mean log loss
  double accuracy = 0.0; // fraction of examples with label 1 iff margin > 0
};

Evaluation evaluate(const Examples &ex, const weft::DistArray<float, 1> &w) {
  Evaluation result;
  if (ex.count() == 0)
    return result;
  const std::int64_t known = w.shape()[0]; // test features the training never saw weigh 0
  double loss = 0.0;
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < ex.label.size(); ++i) {
    float margin = w(0);
    for (auto k = static_cast<std::size_t>(ex.start[i]);
         k < static_cast<std::size_t>(ex.start[i + 1]); ++k) {
      if (ex.feature[k] < known)
        margin += w(ex.feature[k]) * ex.value[k];
    }
    loss += log_loss(margin, ex.label[i]);
    if ((margin > 0.0f) == (ex.label[i] > 0.5f))
      ++correct;
  }
  result.loss = loss / static_cast<double>(ex.count());
  result.accuracy = static_cast<double>(correct) / static_cast<double>(ex.count());
  return result;
}

int run(const Options &opts) {
  const Examples train = shuffled(read_examples(opts.train_path), opts.seed);
  const Examples test = read_examples(opts.test_path);
  if (train.count() == 0)
    throw weft::Error(opts.train_path + ": no examples");
  const std::int64_t n = train.count();
  const float lr = opts.lr;
  const float reg = opts.reg;
  const int epochs = opts.epochs;

  const weft::DistArray<std::int64_t, 1> start = dist_array(train.start);
  const weft::DistArray<std::int64_t, 1> feature = dist_array(train.feature);
  const weft::DistArray<float, 1> value = dist_array(train.value);
  const weft::DistArray<float, 1> label = dist_array(train.label);
  // w(0) is the bias, w(f) the weight of feature f; all start at 0.
  weft::DistArray<float, 1> w({train.features});
  weft::Buffer<float, 1> dw(w, weft::apply_add, opts.max_delay);

  std::printf("epoch,seconds,train_loss,test_loss,test_accuracy\n");
  double train_seconds = 0.0;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    weft::Accumulator<double> loss(0.0);
    const auto epoch_start = std::chrono::steady_clock::now();
// One SGD step per example: with p = sigmoid(margin), the log loss's gradient is
// (p - y) x for the weights and p - y for the bias.
#pragma weft parallel_for
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int64_t first = start(i), last = start(i + 1);
      float margin = w(0);
      for (std::int64_t k = first; k < last; ++k)
        margin += w(feature(k)) * value(k);
      const float y = label(i);
      const float g = lr * (y - 1.0f / (1.0f + std::exp(-margin)));
      dw(0) += g;
      for (std::int64_t k = first; k < last; ++k) {
        const std::int64_t f = feature(k);
        dw(f) += g * value(k) - lr * reg * w(f);
      }
      loss += log_loss(margin, y);
    }
    train_seconds += seconds_since(epoch_start);

    const Evaluation t = evaluate(test, w);
    std::printf("%d,%.3f,%.6f,%.6f,%.6f\n", epoch + 1, train_seconds,
                loss.value() / static_cast<double>(n), t.loss, t.accuracy);
    std::fflush(stdout);
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const Options opts = parse_options(argc, argv);
  return weft_samples::run_reporting_errors("sparse-lr", [&] { return run(opts); });
}
