// Trains a parity model Fp for a Fashion-MNIST classifier F (a model file of samples/mlp):
// the serial program whose training step weftc parallelizes over groups.
//
// For groups of k training images X_1..X_k, the parity query is P = E(X_1..X_k)
// (weft/serve.h: the sum of the images, or a grid of them downsampled) and the target is
// F(X_1) + ... + F(X_k), the sum of the base model's output logits. Fp has the base
// model's architecture (input, hidden, hidden, classes) and learns by minibatch Adam on
// the mean squared error. Each epoch draws fresh random groups (a shuffle of the training
// images from the seed and the epoch); the last --validation training images are held
// out. A query lost from a group is decoded as Fp(P) - sum of the other outputs
// (serve::decode); the degraded-mode accuracy A_d is how often a decoded output's largest
// logit is the label.
//
//   parity --base MODEL [--data-dir /usr/share/datasets/fashion-mnist]
//          [--encoder addition|concatenation] [--k 2] [--batch 64] [--lr 0.001]
//          [--epochs 10] [--seed 1] [--validation 5000] [--train-limit N] [--save MODEL]
//
// Prints CSV on stdout: epoch,seconds,train_loss,validation_degraded_accuracy,
// test_degraded_accuracy,test_decoded_equals_base,test_available_accuracy. seconds: the
// cumulative wall time of the epochs (groups, encoding, targets and the training loop;
// evaluation excluded); train_loss: the mean of the epoch's minibatch losses;
// *_degraded_accuracy: over the consecutive groups of the validation or test images in
// file order, every query of every group decoded in turn; test_decoded_equals_base: how
// often the decoded answer is the base model's own; test_available_accuracy: the base
// model's accuracy A_a. --save writes Fp (the file format of samples/common/mlp_model.h).
// Exit status: 0, 1 on a data or model file error, 2 on bad arguments.
#include <weft/nn.h>
#include <weft/serve.h>
#include <weft/weft.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "../common/fashion_mnist.h"
#include "../common/mlp_model.h"
#include "../common/sample_main.h"

namespace {

namespace nn = weft::nn;
namespace serve = weft::serve;
using nn::Tensor;
using weft_samples::seconds_since;

struct Options {
  std::string data_dir = weft_samples::kFashionMnistDir;
  std::string base; // the base model's file (required)
  std::string encoder = "addition";
  std::int64_t k = 2;
  std::int64_t batch = 64; // groups per minibatch
  float lr = 1e-3f;
  int epochs = 10;
  std::uint64_t seed = 1;
  std::int64_t validation = 5000; // the last training images, held out
  std::int64_t train_limit = 0;   // 0: every training image
  std::string save;               // where to write Fp ("": nowhere)
};

constexpr const char *kUsage =
    "usage: parity --base MODEL [--data-dir /usr/share/datasets/fashion-mnist]\n"
    "              [--encoder addition|concatenation] [--k 2] [--batch 64] [--lr 0.001]\n"
    "              [--epochs 10] [--seed 1] [--validation 5000] [--train-limit N]\n"
    "              [--save MODEL]\n"
    "  --base: the base model, a file written by mlp --save\n"
    "  --encoder, --k: the parity code (concatenation takes k = 2 or 4)\n"
    "  --batch: groups per minibatch\n"
    "  --validation: hold out the last N training images (of the first --train-limit)\n"
    "  --save: write the parity model to MODEL (samples/common/mlp_model.h)\n";

constexpr weft_samples::CommandLine kCommandLine("parity", kUsage);

Options parse_options(int argc, char **argv) {
  Options o;
  kCommandLine.for_each_flag(argc, argv, [&](const std::string &flag, const std::string &value) {
    if (flag == "--data-dir") {
      o.data_dir = value;
    } else if (flag == "--base" || flag == "--save") {
      if (value.empty())
        kCommandLine.usage_error(flag + " needs a file name");
      (flag == "--base" ? o.base : o.save) = value;
    } else if (flag == "--encoder") {
      if (value != "addition" && value != "concatenation") {
        kCommandLine.usage_error("--encoder needs 'addition' or 'concatenation', got '" + value +
                                 "'");
      }
      o.encoder = value;
    } else if (flag == "--k") {
      o.k = kCommandLine.integer<std::int64_t>(flag, value, 2, 64);
    } else if (flag == "--batch") {
      o.batch = kCommandLine.integer<std::int64_t>(flag, value, 1, 1 << 20);
    } else if (flag == "--lr") {
      o.lr = kCommandLine.number<float>(flag, value, 1e-9f, 10.0f);
    } else if (flag == "--epochs") {
      o.epochs = kCommandLine.integer<int>(flag, value, 0, 1000000);
    } else if (flag == "--seed") {
      o.seed = kCommandLine.integer<std::uint64_t>(flag, value, 0, UINT64_MAX);
    } else if (flag == "--validation") {
      o.validation = kCommandLine.integer<std::int64_t>(flag, value, 1, INT64_MAX);
    } else if (flag == "--train-limit") {
      o.train_limit = kCommandLine.integer<std::int64_t>(flag, value, 0, INT64_MAX);
    } else {
      return false;
    }
    return true;
  });
  if (o.base.empty())
    kCommandLine.usage_error("--base MODEL is required (train one with mlp --save MODEL)");
  if (o.encoder == "concatenation" && o.k != 2 && o.k != 4) {
    kCommandLine.usage_error("--encoder concatenation takes --k 2 or 4, got " +
                             std::to_string(o.k));
  }
  return o;
}

// Rows [first, first + count) of `all`, as an array of their own.
template <class Array> Array row_range(const Array &all, std::int64_t first, std::int64_t count) {
  auto shape = all.shape();
  const std::int64_t row = all.size() / shape[0];
  shape[0] = count;
  Array part(shape);
  std::memcpy(part.data(), all.data() + first * row,
              sizeof(*all.data()) * static_cast<std::size_t>(count * row));
  return part;
}

// The parameters of a 4-width MLP's three layers, for the forward passes outside the
// training loop (which names the parity model's arrays one by one, as weftc needs).
struct Layers {
  const Tensor &W1, &b1, &W2, &b2, &W3, &b3;
};

// The output logits of the MLP for every row of X (n x inputs) into Y (n x classes).
void forward(const Layers &net, const Tensor &X, Tensor &Y) {
  const std::int64_t n = X.shape()[0];
  Tensor H1({n, net.W1.shape()[0]}), H2({n, net.W2.shape()[0]});
  nn::linear(X, net.W1, net.b1, H1);
  nn::relu(H1, H1);
  nn::linear(H1, net.W2, net.b2, H2);
  nn::relu(H2, H2);
  nn::linear(H2, net.W3, net.b3, Y);
}

// The index of the largest of `count` values (the first of equals).
std::int64_t largest(const float *values, std::int64_t count) {
  return std::max_element(values, values + count) - values;
}

// Parity queries of the groups of `order` (each k consecutive entries a group; the rest
// left out): row g of P encodes images order[g k .. g k + k - 1] of X, and row g of T is
// the sum of their base outputs (rows of Y).
void encode_groups(const serve::Code &code, const Tensor &X, const Tensor &Y,
                   const std::vector<std::int64_t> &order, Tensor &P, Tensor &T) {
  const std::int64_t k = code.k, d = X.shape()[1], classes = Y.shape()[1];
  const std::int64_t groups = P.shape()[0];
  Tensor members({k, d});
  for (std::int64_t g = 0; g < groups; ++g) {
    float *t = T.data() + g * classes;
    std::fill(t, t + classes, 0.0f);
    for (std::int64_t m = 0; m < k; ++m) {
      const std::int64_t image = order[static_cast<std::size_t>(g * k + m)];
      std::memcpy(members.data() + m * d, X.data() + image * d,
                  sizeof(float) * static_cast<std::size_t>(d));
      const float *y = Y.data() + image * classes;
      for (std::int64_t c = 0; c < classes; ++c)
        t[c] += y[c];
    }
    serve::encode(code, members, nn::rows(P, g, 1));
  }
}

// Degraded mode over the consecutive groups of X (file order): every query of every group
// decoded from Fp(P) and the other k - 1 base outputs Y.
struct Degraded {
  double accuracy = 0.0;    // decoded answer == label
  double equals_base = 0.0; // decoded answer == the base model's answer
};

Degraded evaluate_degraded(const serve::Code &code, const Layers &parity, const Tensor &X,
                           const Tensor &Y, const nn::Labels &labels) {
  const std::int64_t k = code.k, classes = Y.shape()[1];
  const std::int64_t groups = X.shape()[0] / k;
  std::vector<std::int64_t> order(static_cast<std::size_t>(groups * k));
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = static_cast<std::int64_t>(i);
  Tensor P({groups, X.shape()[1]}), T({groups, classes}), Fp({groups, classes});
  encode_groups(code, X, Y, order, P, T);
  forward(parity, P, Fp);
  std::int64_t correct = 0, same = 0;
  Tensor decoded({1, classes});
  for (std::int64_t g = 0; g < groups; ++g) {
    const nn::ConstMatrix outputs = nn::rows(Y, g * k, k);
    for (std::int64_t m = 0; m < k; ++m) {
      serve::decode(outputs, m, nn::rows(Fp, g, 1), decoded);
      const std::int64_t answer = largest(decoded.data(), classes);
      correct += answer == labels(g * k + m) ? 1 : 0;
      same += answer == largest(Y.data() + (g * k + m) * classes, classes) ? 1 : 0;
    }
  }
  const double queries = static_cast<double>(groups * k);
  return {static_cast<double>(correct) / queries, static_cast<double>(same) / queries};
}

int run(const Options &opts) {
  // The model file first: a bad one is reported before the data is read.
  const weft_samples::MlpModel base_file = weft_samples::read_mlp_model(opts.base);
  const serve::Code code = serve::make_code(opts.encoder, opts.k);

  const std::string dir = opts.data_dir;
  const Tensor X_all = weft_samples::fashion_mnist_images(dir, "train");
  const nn::Labels y_all = weft_samples::fashion_mnist_labels(dir, "train", X_all);
  const Tensor X_test = weft_samples::fashion_mnist_images(dir, "t10k");
  const nn::Labels y_test = weft_samples::fashion_mnist_labels(dir, "t10k", X_test);
  const std::int64_t pixels = X_all.shape()[1];
  if (base_file.widths[0] != pixels) {
    throw weft::Error(opts.base + ": the model takes " + std::to_string(base_file.widths[0]) +
                      " inputs but the images have " + std::to_string(pixels) + " pixels");
  }
  if (pixels != code.image_rows * code.image_cols)
    throw weft::Error("the images are not 28 x 28 pixels, which the parity codes assume");

  // Training images [0, n_train), validation [n_train, n_train + n_val).
  const std::int64_t available =
      opts.train_limit == 0 ? X_all.shape()[0] : std::min(opts.train_limit, X_all.shape()[0]);
  const std::int64_t n_val = opts.validation, n_train = available - n_val;
  if (n_train < opts.k * opts.batch) {
    throw weft::Error("--validation " + std::to_string(n_val) + " leaves " +
                      std::to_string(std::max<std::int64_t>(n_train, 0)) + " of the " +
                      std::to_string(available) + " training images, fewer than one minibatch (" +
                      std::to_string(opts.batch) + " groups of " + std::to_string(opts.k) + ")");
  }
  const Tensor X = row_range(X_all, 0, n_train);
  const Tensor X_val = row_range(X_all, n_train, n_val);
  const nn::Labels y_val = row_range(y_all, n_train, n_val);

  const std::array<std::int64_t, 4> widths = base_file.widths;
  const std::int64_t in = widths[0], h1 = widths[1], h2 = widths[2], classes = widths[3];
  Tensor bW1({h1, in}), bb1({1, h1}), bW2({h2, h1}), bb2({1, h2}), bW3({classes, h2}),
      bb3({1, classes});
  Tensor *base_parameters[6] = {&bW1, &bb1, &bW2, &bb2, &bW3, &bb3};
  for (std::size_t i = 0; i < 6; ++i)
    weft_samples::copy_parameter(base_file, i, *base_parameters[i]);
  const Layers base{bW1, bb1, bW2, bb2, bW3, bb3};
  for (std::int64_t i = 0; i < y_all.size(); ++i) {
    if (y_all(i) < 0 || y_all(i) >= classes)
      throw weft::Error(opts.base + ": the model has " + std::to_string(classes) +
                        " classes but a training label is " + std::to_string(y_all(i)));
  }

  // The base model's outputs: the targets' terms, and the outputs decoding subtracts.
  Tensor Y({n_train, classes}), Y_val({n_val, classes}), Y_test({X_test.shape()[0], classes});
  forward(base, X, Y);
  forward(base, X_val, Y_val);
  forward(base, X_test, Y_test);
  const double available_accuracy = static_cast<double>(nn::count_correct(Y_test, y_test)) /
                                    static_cast<double>(X_test.shape()[0]);

  // Fp: the base architecture, Glorot weights, zero biases; gradients and Adam's moments.
  Tensor W1({h1, in}), b1({1, h1}), W2({h2, h1}), b2({1, h2}), W3({classes, h2}), b3({1, classes});
  nn::init_glorot(W1, opts.seed);
  nn::init_glorot(W2, opts.seed + 1);
  nn::init_glorot(W3, opts.seed + 2);
  const Layers parity{W1, b1, W2, b2, W3, b3};
  Tensor dW1({h1, in}), db1({1, h1}), dW2({h2, h1}), db2({1, h2}), dW3({classes, h2}),
      db3({1, classes});
  Tensor mW1({h1, in}), mb1({1, h1}), mW2({h2, h1}), mb2({1, h2}), mW3({classes, h2}),
      mb3({1, classes});
  Tensor vW1({h1, in}), vb1({1, h1}), vW2({h2, h1}), vb2({1, h2}), vW3({classes, h2}),
      vb3({1, classes});
  const std::int64_t k = opts.k, B = opts.batch;
  const std::int64_t groups = n_train / k;
  // Whole minibatches of groups only (as in samples/mlp).
  const std::int64_t batches = groups / B;
  Tensor Z1({B, h1}), H1({B, h1}), Z2({B, h2}), H2({B, h2}), Z3({B, classes});
  Tensor dZ3({B, classes}), dH2({B, h2}), dZ2({B, h2}), dH1({B, h1}), dZ1({B, h1});
  // An epoch's parity queries and their targets, one row per group.
  Tensor Pe({groups, in}), Te({groups, classes});
  const float lr = opts.lr;

  std::printf("epoch,seconds,train_loss,validation_degraded_accuracy,test_degraded_accuracy,"
              "test_decoded_equals_base,test_available_accuracy\n");
  std::vector<std::int64_t> order(static_cast<std::size_t>(n_train));
  double train_seconds = 0.0;
  for (int epoch = 0; epoch < opts.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    // Fresh groups: a Fisher-Yates shuffle of the training images driven by
    // std::mt19937_64 (whose output the standard fixes) from (seed, epoch).
    for (std::int64_t i = 0; i < n_train; ++i)
      order[static_cast<std::size_t>(i)] = i;
    std::mt19937_64 random(opts.seed * 1000003u + static_cast<std::uint64_t>(epoch));
    for (std::int64_t i = n_train - 1; i > 0; --i) {
      const auto j = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(i + 1));
      std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
    }
    encode_groups(code, X, Y, order, Pe, Te);
    weft::Accumulator<double> loss(0.0);
    // Adam's step number of this epoch's minibatch b is t0 + b + 1.
    const std::int64_t t0 = static_cast<std::int64_t>(epoch) * batches;
#pragma weft pipeline
    for (std::int64_t b = 0; b < batches; ++b) {
      nn::linear(nn::rows(Pe, b * B, B), W1, b1, Z1);
      nn::relu(Z1, H1);
      nn::linear(H1, W2, b2, Z2);
      nn::relu(Z2, H2);
      nn::linear(H2, W3, b3, Z3);
      loss += nn::mean_squared_error(Z3, nn::rows(Te, b * B, B), dZ3);
      nn::linear_backward(H2, W3, dZ3, dW3, db3, dH2);
      nn::relu_backward(H2, dH2, dZ2);
      nn::linear_backward(H1, W2, dZ2, dW2, db2, dH1);
      nn::relu_backward(H1, dH1, dZ1);
      nn::linear_backward_weights(nn::rows(Pe, b * B, B), dZ1, dW1, db1);
      nn::adam(W3, dW3, mW3, vW3, t0 + b + 1, lr);
      nn::adam(b3, db3, mb3, vb3, t0 + b + 1, lr);
      nn::adam(W2, dW2, mW2, vW2, t0 + b + 1, lr);
      nn::adam(b2, db2, mb2, vb2, t0 + b + 1, lr);
      nn::adam(W1, dW1, mW1, vW1, t0 + b + 1, lr);
      nn::adam(b1, db1, mb1, vb1, t0 + b + 1, lr);
    }
    train_seconds += seconds_since(start);

    const Degraded validation = evaluate_degraded(code, parity, X_val, Y_val, y_val);
    const Degraded test = evaluate_degraded(code, parity, X_test, Y_test, y_test);
    std::printf("%d,%.3f,%.6f,%.4f,%.4f,%.4f,%.4f\n", epoch + 1, train_seconds,
                loss.value() / static_cast<double>(batches), validation.accuracy, test.accuracy,
                test.equals_base, available_accuracy);
    std::fflush(stdout);
  }
  if (!opts.save.empty())
    weft_samples::write_mlp_model(opts.save, widths, {&W1, &b1, &W2, &b2, &W3, &b3});
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const Options opts = parse_options(argc, argv);
  return weft_samples::run_reporting_errors("parity", [&] { return run(opts); });
}
