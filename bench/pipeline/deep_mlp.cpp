// The pipeline benchmark's program: a 784-1024x8-10 MLP (nine dense layers, ReLU)
// trained with SGD on random data, its training step written out layer by layer as a
// `#pragma weft pipeline` loop of weft::nn calls. The serial program is this file; the
// parallel one is what weftc writes from it (bench/pipeline/CMakeLists.txt).
//
//   deep_mlp [--examples N] [--batch B] [--hidden H] [--epochs E] [--lr LR]
//
// Prints CSV: epoch,seconds,train_loss (seconds: training time, cumulative).
#include <weft/nn.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace nn = weft::nn;

namespace {

struct Options {
  std::int64_t examples = 128 * 40, batch = 128, hidden = 1024;
  int epochs = 3;
  float lr = 0.01f;
};

[[noreturn]] void usage(const std::string &why) {
  std::fprintf(stderr,
               "deep_mlp: %s\nusage: deep_mlp [--examples N] [--batch B] [--hidden H] "
               "[--epochs E] [--lr LR]\n",
               why.c_str());
  std::exit(2);
}

Options parse(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc)
      usage(flag + " needs a value");
    char *end = nullptr;
    const double v = std::strtod(argv[i + 1], &end);
    if (end == argv[i + 1] || *end != '\0' || !(v > 0))
      usage(flag + " needs a positive number, not '" + argv[i + 1] + "'");
    if (flag == "--examples")
      o.examples = static_cast<std::int64_t>(v);
    else if (flag == "--batch")
      o.batch = static_cast<std::int64_t>(v);
    else if (flag == "--hidden")
      o.hidden = static_cast<std::int64_t>(v);
    else if (flag == "--epochs")
      o.epochs = static_cast<int>(v);
    else if (flag == "--lr")
      o.lr = static_cast<float>(v);
    else
      usage("unknown flag " + flag);
  }
  if (o.batch > o.examples)
    usage("--batch is larger than --examples");
  return o;
}

} // namespace

int main(int argc, char **argv) {
  const Options o = parse(argc, argv);
  const std::int64_t in = 784, classes = 10, H = o.hidden, B = o.batch;
  const std::int64_t batches = o.examples / B;
  const float lr = o.lr;
  nn::Tensor X({o.examples, in});
  X.randomize(11, 0.0f, 1.0f);
  nn::Labels y({o.examples});
  for (std::int64_t i = 0; i < o.examples; ++i)
    y(i) = static_cast<std::int32_t>((i * 7919) % classes);
  nn::Tensor W1({H, in}), b1({1, H}), dW1({H, in}), db1({1, H});
  nn::Tensor Z1({B, H}), dZ1({B, H});
  nn::Tensor H1({B, H}), dH1({B, H});
  nn::init_glorot(W1, 1);
  nn::Tensor W2({H, H}), b2({1, H}), dW2({H, H}), db2({1, H});
  nn::Tensor Z2({B, H}), dZ2({B, H});
  nn::Tensor H2({B, H}), dH2({B, H});
  nn::init_glorot(W2, 2);
  nn::Tensor W3({H, H}), b3({1, H}), dW3({H, H}), db3({1, H});
  nn::Tensor Z3({B, H}), dZ3({B, H});
  nn::Tensor H3({B, H}), dH3({B, H});
  nn::init_glorot(W3, 3);
  nn::Tensor W4({H, H}), b4({1, H}), dW4({H, H}), db4({1, H});
  nn::Tensor Z4({B, H}), dZ4({B, H});
  nn::Tensor H4({B, H}), dH4({B, H});
  nn::init_glorot(W4, 4);
  nn::Tensor W5({H, H}), b5({1, H}), dW5({H, H}), db5({1, H});
  nn::Tensor Z5({B, H}), dZ5({B, H});
  nn::Tensor H5({B, H}), dH5({B, H});
  nn::init_glorot(W5, 5);
  nn::Tensor W6({H, H}), b6({1, H}), dW6({H, H}), db6({1, H});
  nn::Tensor Z6({B, H}), dZ6({B, H});
  nn::Tensor H6({B, H}), dH6({B, H});
  nn::init_glorot(W6, 6);
  nn::Tensor W7({H, H}), b7({1, H}), dW7({H, H}), db7({1, H});
  nn::Tensor Z7({B, H}), dZ7({B, H});
  nn::Tensor H7({B, H}), dH7({B, H});
  nn::init_glorot(W7, 7);
  nn::Tensor W8({H, H}), b8({1, H}), dW8({H, H}), db8({1, H});
  nn::Tensor Z8({B, H}), dZ8({B, H});
  nn::Tensor H8({B, H}), dH8({B, H});
  nn::init_glorot(W8, 8);
  nn::Tensor W9({classes, H}), b9({1, classes}), dW9({classes, H}), db9({1, classes});
  nn::Tensor Z9({B, classes}), dZ9({B, classes});
  nn::init_glorot(W9, 9);
  std::printf("epoch,seconds,train_loss\n");
  double seconds = 0;
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    weft::Accumulator<double> loss(0.0);
    const auto start = std::chrono::steady_clock::now();
#pragma weft pipeline schedule(1f1b)
    for (std::int64_t b = 0; b < batches; ++b) {
      nn::linear(nn::rows(X, b * B, B), W1, b1, Z1);
      nn::relu(Z1, H1);
      nn::linear(H1, W2, b2, Z2);
      nn::relu(Z2, H2);
      nn::linear(H2, W3, b3, Z3);
      nn::relu(Z3, H3);
      nn::linear(H3, W4, b4, Z4);
      nn::relu(Z4, H4);
      nn::linear(H4, W5, b5, Z5);
      nn::relu(Z5, H5);
      nn::linear(H5, W6, b6, Z6);
      nn::relu(Z6, H6);
      nn::linear(H6, W7, b7, Z7);
      nn::relu(Z7, H7);
      nn::linear(H7, W8, b8, Z8);
      nn::relu(Z8, H8);
      nn::linear(H8, W9, b9, Z9);
      loss += nn::softmax_cross_entropy(Z9, nn::rows(y, b * B, B), dZ9);
      nn::linear_backward(H8, W9, dZ9, dW9, db9, dH8);
      nn::relu_backward(H8, dH8, dZ8);
      nn::linear_backward(H7, W8, dZ8, dW8, db8, dH7);
      nn::relu_backward(H7, dH7, dZ7);
      nn::linear_backward(H6, W7, dZ7, dW7, db7, dH6);
      nn::relu_backward(H6, dH6, dZ6);
      nn::linear_backward(H5, W6, dZ6, dW6, db6, dH5);
      nn::relu_backward(H5, dH5, dZ5);
      nn::linear_backward(H4, W5, dZ5, dW5, db5, dH4);
      nn::relu_backward(H4, dH4, dZ4);
      nn::linear_backward(H3, W4, dZ4, dW4, db4, dH3);
      nn::relu_backward(H3, dH3, dZ3);
      nn::linear_backward(H2, W3, dZ3, dW3, db3, dH2);
      nn::relu_backward(H2, dH2, dZ2);
      nn::linear_backward(H1, W2, dZ2, dW2, db2, dH1);
      nn::relu_backward(H1, dH1, dZ1);
      nn::linear_backward_weights(nn::rows(X, b * B, B), dZ1, dW1, db1);
      nn::sgd(W9, dW9, lr);
      nn::sgd(b9, db9, lr);
      nn::sgd(W8, dW8, lr);
      nn::sgd(b8, db8, lr);
      nn::sgd(W7, dW7, lr);
      nn::sgd(b7, db7, lr);
      nn::sgd(W6, dW6, lr);
      nn::sgd(b6, db6, lr);
      nn::sgd(W5, dW5, lr);
      nn::sgd(b5, db5, lr);
      nn::sgd(W4, dW4, lr);
      nn::sgd(b4, db4, lr);
      nn::sgd(W3, dW3, lr);
      nn::sgd(b3, db3, lr);
      nn::sgd(W2, dW2, lr);
      nn::sgd(b2, db2, lr);
      nn::sgd(W1, dW1, lr);
      nn::sgd(b1, db1, lr);
    }
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%d,%.3f,%.6f\n", epoch + 1, seconds, loss.value() / static_cast<double>(batches));
    std::fflush(stdout);
  }
  return 0;
}
