// A multilayer perceptron on Fashion-MNIST: the serial deep-learning program whose
// training step weftc reads as a pipeline of layers. The network is
//
//   input (784) -> linear -> relu -> linear -> relu -> linear -> softmax cross entropy
//
// with the three layer widths from --layers, trained by minibatch SGD or Adam. Every
// step of the training loop is a weft::nn call, minibatches passed as nn::rows(...).
//
//   mlp [--data-dir /usr/share/datasets/fashion-mnist] [--layers 784,200,100,10]
//       [--optimizer adam|sgd] [--lr 0.0005 (adam), 0.1 (sgd)] [--batch 64] [--epochs 10]
//       [--seed 1] [--train-limit N] [--load MODEL] [--save MODEL]
//
// Prints CSV on stdout: epoch,seconds,train_loss,test_accuracy (seconds: cumulative wall
// time of the training loops; train_loss: the mean of the epoch's minibatch losses;
// test_accuracy: on the 10000 test images after the epoch). --load starts from a model
// file instead of random weights, --save writes the trained model (the format of
// samples/common/mlp_model.h; written whole or not at all).
// Exit status: 0, 1 on a data error (missing files among them), 2 on bad arguments.
//
// Built with MLP_SCHEDULE_1F1B defined, the training loops ask for PipeDream's
// asynchronous schedule (`schedule(1f1b)`: each stage computes with weights some updates
// old, so the parallel program no longer computes what the serial one does); by default
// they keep the serial meaning (flush).
#include <weft/nn.h>
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
using nn::Tensor;
using weft_samples::seconds_since;

struct Options {
  std::string data_dir = weft_samples::kFashionMnistDir;
  // Input, two hidden layers, classes.
  std::int64_t widths[4] = {784, 200, 100, 10};
  bool adam = true;
  float lr = 0.0f; // 0: the optimizer's default
  std::int64_t batch = 64;
  int epochs = 10;
  std::uint64_t seed = 1;
  std::int64_t train_limit = 0; // 0: every training image
  std::string load;             // a model file to start from ("": Glorot weights)
  std::string save;             // where to write the trained model ("": nowhere)
};

constexpr const char *kUsage =
    "usage: mlp [--data-dir /usr/share/datasets/fashion-mnist] [--layers 784,200,100,10]\n"
    "           [--optimizer adam|sgd] [--lr 0.0005 (adam), 0.1 (sgd)] [--batch 64]\n"
    "           [--epochs 10] [--seed 1] [--train-limit N] [--load MODEL] [--save MODEL]\n"
    "  --layers: exactly 4 widths: input (the 784 pixels), 2 hidden layers, classes (10)\n"
    "  --train-limit: train on the first N training images only (0: all)\n"
    "  --load: start from the weights in MODEL (its widths must be --layers')\n"
    "  --save: write the trained weights to MODEL (samples/common/mlp_model.h)\n";

constexpr weft_samples::CommandLine kCommandLine("mlp", kUsage);

void parse_layers(const std::string &text, Options &o) {
  std::vector<std::string> fields(1);
  for (const char c : text) {
    if (c == ',')
      fields.emplace_back();
    else
      fields.back() += c;
  }
  if (fields.size() != 4) {
    kCommandLine.usage_error("--layers needs exactly 4 widths (input,hidden,hidden,classes), "
                             "got '" +
                             text + "'");
  }
  for (std::size_t n = 0; n < 4; ++n)
    o.widths[n] = kCommandLine.integer<std::int64_t>("--layers", fields[n], 1, 1 << 20);
}

Options parse_options(int argc, char **argv) {
  Options o;
  kCommandLine.for_each_flag(argc, argv, [&](const std::string &flag, const std::string &value) {
    if (flag == "--data-dir") {
      o.data_dir = value;
    } else if (flag == "--layers") {
      parse_layers(value, o);
    } else if (flag == "--optimizer") {
      if (value != "adam" && value != "sgd")
        kCommandLine.usage_error("--optimizer needs 'adam' or 'sgd', got '" + value + "'");
      o.adam = value == "adam";
    } else if (flag == "--lr") {
      o.lr = kCommandLine.number<float>(flag, value, 1e-9f, 10.0f);
    } else if (flag == "--batch") {
      o.batch = kCommandLine.integer<std::int64_t>(flag, value, 1, 1 << 20);
    } else if (flag == "--epochs") {
      o.epochs = kCommandLine.integer<int>(flag, value, 0, 1000000);
    } else if (flag == "--seed") {
      o.seed = kCommandLine.integer<std::uint64_t>(flag, value, 0, UINT64_MAX);
    } else if (flag == "--train-limit") {
      o.train_limit = kCommandLine.integer<std::int64_t>(flag, value, 0, INT64_MAX);
    } else if (flag == "--load" || flag == "--save") {
      if (value.empty())
        kCommandLine.usage_error(flag + " needs a file name");
      (flag == "--load" ? o.load : o.save) = value;
    } else {
      return false;
    }
    return true;
  });
  if (o.lr == 0.0f)
    o.lr = o.adam ? 5e-4f : 0.1f;
  return o;
}

// The first `count` rows of `all` (all of them when count is 0 or larger).
template <class Array> Array first_rows(const Array &all, std::int64_t count) {
  const std::int64_t total = all.shape()[0];
  if (count == 0 || count >= total)
    return all;
  auto shape = all.shape();
  shape[0] = count;
  Array part(shape);
  const std::int64_t row = all.size() / total;
  std::memcpy(part.data(), all.data(), sizeof(*all.data()) * static_cast<std::size_t>(count * row));
  return part;
}

// X_epoch and y_epoch: the training examples in a random order drawn from (seed, epoch), a
// Fisher-Yates shuffle driven by std::mt19937_64 (whose output the standard fixes).
void shuffle_examples(const Tensor &X, const nn::Labels &y, std::uint64_t seed, int epoch,
                      Tensor &X_epoch, nn::Labels &y_epoch) {
  const std::int64_t n = X.shape()[0], row = X.shape()[1];
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    order[static_cast<std::size_t>(i)] = i;
  std::mt19937_64 random(seed * 1000003u + static_cast<std::uint64_t>(epoch));
  for (std::int64_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(i + 1));
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  }
  const float *from = X.data();
  float *to = X_epoch.data();
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t source = order[static_cast<std::size_t>(i)];
    std::memcpy(to + i * row, from + source * row, sizeof(float) * static_cast<std::size_t>(row));
    y_epoch(i) = y(source);
  }
}

int run(const Options &opts) {
  // The model file first: a bad one is reported before the data is read.
  weft_samples::MlpModel model;
  if (!opts.load.empty())
    model = weft_samples::read_mlp_model(opts.load);
  const std::string dir = opts.data_dir;
  const Tensor X_all = weft_samples::fashion_mnist_images(dir, "train");
  const nn::Labels y_all = weft_samples::fashion_mnist_labels(dir, "train", X_all);
  const Tensor X_test = weft_samples::fashion_mnist_images(dir, "t10k");
  const nn::Labels y_test = weft_samples::fashion_mnist_labels(dir, "t10k", X_test);
  const Tensor X = first_rows(X_all, opts.train_limit);
  const nn::Labels y = first_rows(y_all, opts.train_limit);

  const std::int64_t in = opts.widths[0], h1 = opts.widths[1], h2 = opts.widths[2],
                     classes = opts.widths[3];
  if (in != X.shape()[1] || in != X_test.shape()[1]) {
    throw weft::Error("--layers starts with " + std::to_string(in) + " but the images have " +
                      std::to_string(X.shape()[1]) + " pixels");
  }
  std::int32_t largest_label = 0;
  for (std::int64_t i = 0; i < y.size(); ++i)
    largest_label = std::max(largest_label, y(i));
  for (std::int64_t i = 0; i < y_test.size(); ++i)
    largest_label = std::max(largest_label, y_test(i));
  if (classes <= largest_label) {
    throw weft::Error("--layers ends with " + std::to_string(classes) + " classes but a label is " +
                      std::to_string(largest_label));
  }
  const std::int64_t B = opts.batch;
  // Whole minibatches only: the last n mod B examples of an epoch's order are left out
  // (a different few each epoch, as the order is reshuffled).
  const std::int64_t batches = X.shape()[0] / B;
  if (batches == 0) {
    throw weft::Error("--batch " + std::to_string(B) + " is larger than the " +
                      std::to_string(X.shape()[0]) + " training images");
  }
  const float lr = opts.lr;

  // Parameters (Glorot weights, zero biases), their gradients and Adam's moments.
  Tensor W1({h1, in}), b1({1, h1}), W2({h2, h1}), b2({1, h2}), W3({classes, h2}), b3({1, classes});
  nn::init_glorot(W1, opts.seed);
  nn::init_glorot(W2, opts.seed + 1);
  nn::init_glorot(W3, opts.seed + 2);
  const std::array<std::int64_t, 4> widths = {in, h1, h2, classes};
  if (!opts.load.empty()) {
    if (model.widths != widths) {
      throw weft::Error(opts.load + ": the model has widths " + std::to_string(model.widths[0]) +
                        "," + std::to_string(model.widths[1]) + "," +
                        std::to_string(model.widths[2]) + "," + std::to_string(model.widths[3]) +
                        " but --layers is " + std::to_string(in) + "," + std::to_string(h1) + "," +
                        std::to_string(h2) + "," + std::to_string(classes));
    }
    Tensor *parameters[6] = {&W1, &b1, &W2, &b2, &W3, &b3};
    for (std::size_t i = 0; i < 6; ++i)
      weft_samples::copy_parameter(model, i, *parameters[i]);
  }
  Tensor dW1({h1, in}), db1({1, h1}), dW2({h2, h1}), db2({1, h2}), dW3({classes, h2}),
      db3({1, classes});
  Tensor mW1({h1, in}), mb1({1, h1}), mW2({h2, h1}), mb2({1, h2}), mW3({classes, h2}),
      mb3({1, classes});
  Tensor vW1({h1, in}), vb1({1, h1}), vW2({h2, h1}), vb2({1, h2}), vW3({classes, h2}),
      vb3({1, classes});
  // One minibatch's activations and their gradients, layer by layer.
  Tensor Z1({B, h1}), H1({B, h1}), Z2({B, h2}), H2({B, h2}), Z3({B, classes});
  Tensor dZ3({B, classes}), dH2({B, h2}), dZ2({B, h2}), dH1({B, h1}), dZ1({B, h1});
  // The test set's activations.
  const std::int64_t n_test = X_test.shape()[0];
  Tensor T1({n_test, h1}), T2({n_test, h2}), T3({n_test, classes});

  Tensor Xe(X.shape());
  nn::Labels ye(y.shape());
  std::printf("epoch,seconds,train_loss,test_accuracy\n");
  double train_seconds = 0.0;
  for (int epoch = 0; epoch < opts.epochs; ++epoch) {
    shuffle_examples(X, y, opts.seed, epoch, Xe, ye);
    weft::Accumulator<double> loss(0.0);
    // Adam's step number of this epoch's minibatch b is t0 + b + 1.
    const std::int64_t t0 = static_cast<std::int64_t>(epoch) * batches;
    const auto start = std::chrono::steady_clock::now();
    if (opts.adam) {
#ifdef MLP_SCHEDULE_1F1B
#pragma weft pipeline schedule(1f1b)
#else
#pragma weft pipeline
#endif
      for (std::int64_t b = 0; b < batches; ++b) {
        nn::linear(nn::rows(Xe, b * B, B), W1, b1, Z1);
        nn::relu(Z1, H1);
        nn::linear(H1, W2, b2, Z2);
        nn::relu(Z2, H2);
        nn::linear(H2, W3, b3, Z3);
        loss += nn::softmax_cross_entropy(Z3, nn::rows(ye, b * B, B), dZ3);
        nn::linear_backward(H2, W3, dZ3, dW3, db3, dH2);
        nn::relu_backward(H2, dH2, dZ2);
        nn::linear_backward(H1, W2, dZ2, dW2, db2, dH1);
        nn::relu_backward(H1, dH1, dZ1);
        nn::linear_backward_weights(nn::rows(Xe, b * B, B), dZ1, dW1, db1);
        nn::adam(W3, dW3, mW3, vW3, t0 + b + 1, lr);
        nn::adam(b3, db3, mb3, vb3, t0 + b + 1, lr);
        nn::adam(W2, dW2, mW2, vW2, t0 + b + 1, lr);
        nn::adam(b2, db2, mb2, vb2, t0 + b + 1, lr);
        nn::adam(W1, dW1, mW1, vW1, t0 + b + 1, lr);
        nn::adam(b1, db1, mb1, vb1, t0 + b + 1, lr);
      }
    } else {
#ifdef MLP_SCHEDULE_1F1B
#pragma weft pipeline schedule(1f1b)
#else
#pragma weft pipeline
#endif
      for (std::int64_t b = 0; b < batches; ++b) {
        nn::linear(nn::rows(Xe, b * B, B), W1, b1, Z1);
        nn::relu(Z1, H1);
        nn::linear(H1, W2, b2, Z2);
        nn::relu(Z2, H2);
        nn::linear(H2, W3, b3, Z3);
        loss += nn::softmax_cross_entropy(Z3, nn::rows(ye, b * B, B), dZ3);
        nn::linear_backward(H2, W3, dZ3, dW3, db3, dH2);
        nn::relu_backward(H2, dH2, dZ2);
        nn::linear_backward(H1, W2, dZ2, dW2, db2, dH1);
        nn::relu_backward(H1, dH1, dZ1);
        nn::linear_backward_weights(nn::rows(Xe, b * B, B), dZ1, dW1, db1);
        nn::sgd(W3, dW3, lr);
        nn::sgd(b3, db3, lr);
        nn::sgd(W2, dW2, lr);
        nn::sgd(b2, db2, lr);
        nn::sgd(W1, dW1, lr);
        nn::sgd(b1, db1, lr);
      }
    }
    train_seconds += seconds_since(start);

    // Test accuracy: the forward pass over all test images at once.
    nn::linear(X_test, W1, b1, T1);
    nn::relu(T1, T1);
    nn::linear(T1, W2, b2, T2);
    nn::relu(T2, T2);
    nn::linear(T2, W3, b3, T3);
    const double accuracy =
        static_cast<double>(nn::count_correct(T3, y_test)) / static_cast<double>(n_test);
    std::printf("%d,%.3f,%.6f,%.4f\n", epoch + 1, train_seconds,
                loss.value() / static_cast<double>(batches), accuracy);
    std::fflush(stdout);
  }
  if (!opts.save.empty())
    weft_samples::write_mlp_model(opts.save, widths, {&W1, &b1, &W2, &b2, &W3, &b3});
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const Options opts = parse_options(argc, argv);
  return weft_samples::run_reporting_errors("mlp", [&] { return run(opts); });
}
