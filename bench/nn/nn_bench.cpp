// Serial MLP training throughput of weft::nn: examples per second of minibatch SGD (forward,
// backward, update) on synthetic data, the same model and steps as bench_torch.py.
//
//   nn_bench [--hidden 1024] [--depth 8] [--batch 128] [--steps 60] [--warmup 10] [--repeat 3]
//
// The model is 784 -> depth x (linear hidden, relu) -> linear 10 -> softmax cross entropy.
// Prints one line per timed run, "weft_nn examples_per_second <value>", then the best
// as "best <value>".
#include <weft/nn.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

namespace nn = weft::nn;
using nn::Tensor;

struct Options {
  std::int64_t hidden = 1024, depth = 8, batch = 128, steps = 60, warmup = 10, repeat = 3;
};

Options parse(int argc, char **argv) {
  Options o;
  for (int n = 1; n + 1 < argc; n += 2) {
    const std::string flag = argv[n];
    const std::int64_t value = std::atoll(argv[n + 1]);
    if (value <= 0) {
      std::fprintf(stderr, "nn_bench: %s needs a positive integer\n", flag.c_str());
      std::exit(2);
    }
    if (flag == "--hidden")
      o.hidden = value;
    else if (flag == "--depth")
      o.depth = value;
    else if (flag == "--batch")
      o.batch = value;
    else if (flag == "--steps")
      o.steps = value;
    else if (flag == "--warmup")
      o.warmup = value;
    else if (flag == "--repeat")
      o.repeat = value;
    else {
      std::fprintf(stderr, "nn_bench: unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  return o;
}

// One layer's parameters and gradients, and its activations for one minibatch.
struct Layer {
  Tensor W, b, dW, db, Z, H, dH;
  Layer(std::int64_t in, std::int64_t out, std::int64_t batch, std::uint64_t seed)
      : W({out, in}), b({1, out}), dW({out, in}), db({1, out}), Z({batch, out}), H({batch, out}),
        dH({batch, out}) {
    nn::init_glorot(W, seed);
  }
};

} // namespace

int main(int argc, char **argv) {
  const Options o = parse(argc, argv);
  const std::int64_t in = 784, classes = 10, pool = 16 * o.batch;
  // Synthetic examples: pixels uniform in [0, 1), labels from the pixels' seed.
  Tensor X({pool, in});
  X.randomize(1, 0.0f, 1.0f);
  nn::Labels y({pool});
  y.randomize(2, 0, static_cast<std::int32_t>(classes));

  std::vector<Layer> layers;
  std::int64_t width = in;
  for (std::int64_t l = 0; l < o.depth; ++l) {
    layers.emplace_back(width, o.hidden, o.batch, 10 + static_cast<std::uint64_t>(l));
    width = o.hidden;
  }
  layers.emplace_back(width, classes, o.batch, 100);
  const float lr = 0.01f;
  const std::size_t last = layers.size() - 1;
  const std::int64_t batches = pool / o.batch;

  float loss = 0.0f;
  const auto step = [&](std::int64_t s) {
    const std::int64_t first = (s % batches) * o.batch;
    // Forward: hidden layers are linear + relu (H), the last is linear (Z).
    nn::linear(nn::rows(X, first, o.batch), layers[0].W, layers[0].b, layers[0].Z);
    nn::relu(layers[0].Z, layers[0].H);
    for (std::size_t l = 1; l < last; ++l) {
      nn::linear(layers[l - 1].H, layers[l].W, layers[l].b, layers[l].Z);
      nn::relu(layers[l].Z, layers[l].H);
    }
    nn::linear(layers[last - 1].H, layers[last].W, layers[last].b, layers[last].Z);
    loss = nn::softmax_cross_entropy(layers[last].Z, nn::rows(y, first, o.batch), layers[last].dH);
    // Backward: dH of layer l is dL/d(its output); relu_backward turns it into dL/dZ in place.
    for (std::size_t l = last; l > 0; --l) {
      if (l != last)
        nn::relu_backward(layers[l].H, layers[l].dH, layers[l].dH);
      nn::linear_backward(layers[l - 1].H, layers[l].W, layers[l].dH, layers[l].dW, layers[l].db,
                          layers[l - 1].dH);
    }
    nn::relu_backward(layers[0].H, layers[0].dH, layers[0].dH);
    nn::linear_backward_weights(nn::rows(X, first, o.batch), layers[0].dH, layers[0].dW,
                                layers[0].db);
    for (Layer &layer : layers) {
      nn::sgd(layer.W, layer.dW, lr);
      nn::sgd(layer.b, layer.db, lr);
    }
  };

  std::int64_t s = 0;
  for (std::int64_t w = 0; w < o.warmup; ++w)
    step(s++);
  double best = 0.0;
  for (std::int64_t r = 0; r < o.repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (std::int64_t k = 0; k < o.steps; ++k)
      step(s++);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = static_cast<double>(o.steps * o.batch) / seconds;
    std::printf("weft_nn examples_per_second %.1f (loss %.4f)\n", rate, loss);
    best = std::max(best, rate);
  }
  std::printf("best %.1f\n", best);
  return 0;
}
