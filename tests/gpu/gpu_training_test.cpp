// A few training steps of a small MLP (20-32-16-4, relu, softmax cross entropy, minibatches
// of 16) with weft::nn on the CPU and weft::gpu on a device from the same start: the losses
// of every step and the final weights agree.
//
// Tolerance 1e-4 relative (of the loss; of the largest weight): each step's GEMMs differ by
// ~1e-6 relative, and 8 steps carry the differences forward. Adam runs with eps = 1e-3, not
// its usual 1e-8: at t = 1 its step is lr * g / (|g| + eps), so with a tiny eps a gradient
// element near 0 whose sign differs between the two sums moves its weight by +lr on one
// side and -lr on the other; eps above the rounding differences keeps the step continuous.
#include "gpu_test.h"

#include <array>
#include <cstdint>
#include <vector>

namespace weft_gpu_test {
namespace {

constexpr std::array<std::int64_t, 4> kWidths = {20, 32, 16, 4};
constexpr int kLayers = 3;
constexpr std::int64_t kExamples = 64, kBatch = 16;
constexpr int kEpochs = 2;
constexpr float kLr = 0.05f, kAdamEps = 1e-3f;

enum class Optimizer { Sgd, Adam };

struct Data {
  Tensor inputs = random_tensor(kExamples, kWidths[0], 1);
  nn::Labels labels = random_labels(kExamples, static_cast<std::int32_t>(kWidths[kLayers]), 2);
};

struct Weights {
  std::vector<Tensor> W, b;
};

Weights initial_weights() {
  Weights w;
  for (int l = 0; l < kLayers; ++l) {
    w.W.emplace_back(std::array<std::int64_t, 2>{kWidths[l + 1], kWidths[l]});
    nn::init_glorot(w.W.back(), 10 + static_cast<std::uint64_t>(l));
    w.b.push_back(
        random_tensor(1, kWidths[l + 1], 20 + static_cast<std::uint64_t>(l), -0.1f, 0.1f));
  }
  return w;
}

// Trains `w` in place on the CPU; returns the loss of every step.
std::vector<float> train_on_cpu(const Data &data, Weights &w, Optimizer optimizer) {
  std::vector<Tensor> act, grad, dW, db, m, v;
  for (int l = 0; l <= kLayers; ++l) {
    act.emplace_back(std::array<std::int64_t, 2>{kBatch, kWidths[l]});
    grad.emplace_back(std::array<std::int64_t, 2>{kBatch, kWidths[l]});
  }
  for (int l = 0; l < kLayers; ++l) {
    for (auto *state : {&dW, &m, &v})
      state->emplace_back(std::array<std::int64_t, 2>{kWidths[l + 1], kWidths[l]});
    db.emplace_back(std::array<std::int64_t, 2>{1, kWidths[l + 1]});
    for (auto *state : {&m, &v})
      state->emplace_back(std::array<std::int64_t, 2>{1, kWidths[l + 1]});
  }
  std::vector<float> losses;
  std::int64_t t = 0;
  for (int epoch = 0; epoch < kEpochs; ++epoch) {
    for (std::int64_t first = 0; first < kExamples; first += kBatch) {
      const nn::ConstMatrix x = nn::rows(data.inputs, first, kBatch);
      for (int l = 0; l < kLayers; ++l) {
        nn::linear(l == 0 ? x : nn::ConstMatrix(act[l]), w.W[l], w.b[l], act[l + 1]);
        if (l + 1 < kLayers)
          nn::relu(act[l + 1], act[l + 1]);
      }
      losses.push_back(nn::softmax_cross_entropy(act[kLayers], nn::rows(data.labels, first, kBatch),
                                                 grad[kLayers]));
      for (int l = kLayers - 1; l >= 0; --l) {
        if (l == 0) {
          nn::linear_backward_weights(x, grad[1], dW[0], db[0]);
        } else {
          nn::linear_backward(act[l], w.W[l], grad[l + 1], dW[l], db[l], grad[l]);
          nn::relu_backward(act[l], grad[l], grad[l]);
        }
      }
      ++t;
      for (int l = 0; l < kLayers; ++l) {
        if (optimizer == Optimizer::Sgd) {
          nn::sgd(w.W[l], dW[l], kLr);
          nn::sgd(w.b[l], db[l], kLr);
        } else {
          nn::adam(w.W[l], dW[l], m[2 * l], v[2 * l], t, kLr, 0.9f, 0.999f, kAdamEps);
          nn::adam(w.b[l], db[l], m[2 * l + 1], v[2 * l + 1], t, kLr, 0.9f, 0.999f, kAdamEps);
        }
      }
    }
  }
  return losses;
}

// The same steps on the device; `w` gets the final weights back.
std::vector<float> train_on_gpu(gpu::Context &ctx, const Data &data, Weights &w,
                                Optimizer optimizer) {
  const gpu::DeviceMatrix inputs = gpu::to_device(ctx, data.inputs);
  const gpu::DeviceLabels labels = gpu::to_device(ctx, data.labels);
  std::vector<gpu::DeviceMatrix> W, b, act, grad, dW, db, m, v;
  for (int l = 0; l <= kLayers; ++l) {
    act.emplace_back(ctx, kBatch, kWidths[l]);
    grad.emplace_back(ctx, kBatch, kWidths[l]);
  }
  for (int l = 0; l < kLayers; ++l) {
    W.push_back(gpu::to_device(ctx, w.W[l]));
    b.push_back(gpu::to_device(ctx, w.b[l]));
    for (auto *state : {&dW, &m, &v})
      state->emplace_back(ctx, kWidths[l + 1], kWidths[l]);
    db.emplace_back(ctx, 1, kWidths[l + 1]);
    for (auto *state : {&m, &v})
      state->emplace_back(ctx, 1, kWidths[l + 1]);
  }
  std::vector<float> losses;
  std::int64_t t = 0;
  for (int epoch = 0; epoch < kEpochs; ++epoch) {
    for (std::int64_t first = 0; first < kExamples; first += kBatch) {
      const gpu::ConstMatrix x = gpu::rows(inputs, first, kBatch);
      for (int l = 0; l < kLayers; ++l) {
        gpu::linear(ctx, l == 0 ? x : gpu::ConstMatrix(act[l]), W[l], b[l], act[l + 1]);
        if (l + 1 < kLayers)
          gpu::relu(ctx, act[l + 1], act[l + 1]);
      }
      losses.push_back(gpu::softmax_cross_entropy(ctx, act[kLayers],
                                                  gpu::rows(labels, first, kBatch), grad[kLayers]));
      for (int l = kLayers - 1; l >= 0; --l) {
        if (l == 0) {
          gpu::linear_backward_weights(ctx, x, grad[1], dW[0], db[0]);
        } else {
          gpu::linear_backward(ctx, act[l], W[l], grad[l + 1], dW[l], db[l], grad[l]);
          gpu::relu_backward(ctx, act[l], grad[l], grad[l]);
        }
      }
      ++t;
      for (int l = 0; l < kLayers; ++l) {
        if (optimizer == Optimizer::Sgd) {
          gpu::sgd(ctx, W[l], dW[l], kLr);
          gpu::sgd(ctx, b[l], db[l], kLr);
        } else {
          gpu::adam(ctx, W[l], dW[l], m[2 * l], v[2 * l], t, kLr, 0.9f, 0.999f, kAdamEps);
          gpu::adam(ctx, b[l], db[l], m[2 * l + 1], v[2 * l + 1], t, kLr, 0.9f, 0.999f, kAdamEps);
        }
      }
    }
  }
  for (int l = 0; l < kLayers; ++l) {
    gpu::download(ctx, W[l], w.W[l]);
    gpu::download(ctx, b[l], w.b[l]);
  }
  return losses;
}

class GpuTraining : public GpuTest {
protected:
  void expect_same_training(Optimizer optimizer) {
    const Data data;
    Weights cpu = initial_weights(), on_gpu = initial_weights();
    const std::vector<float> cpu_losses = train_on_cpu(data, cpu, optimizer);
    const std::vector<float> gpu_losses = train_on_gpu(ctx(), data, on_gpu, optimizer);
    ASSERT_EQ(cpu_losses.size(), gpu_losses.size());
    for (std::size_t s = 0; s < cpu_losses.size(); ++s)
      EXPECT_NEAR(gpu_losses[s], cpu_losses[s], 1e-4 * cpu_losses[s]) << "step " << s;
    for (int l = 0; l < kLayers; ++l) {
      EXPECT_TRUE(agree(cpu.W[l], on_gpu.W[l], 1e-4)) << "W of layer " << l;
      EXPECT_TRUE(agree(cpu.b[l], on_gpu.b[l], 1e-4)) << "b of layer " << l;
    }
  }
};

TEST_F(GpuTraining, SgdStepsMatchTheCpu) { expect_same_training(Optimizer::Sgd); }

TEST_F(GpuTraining, AdamStepsMatchTheCpu) { expect_same_training(Optimizer::Adam); }

} // namespace
} // namespace weft_gpu_test
