// What the weft::gpu tests share: a fixture that skips without a CUDA device and owns a
// Context, random host inputs, and the comparison of a GPU result with the CPU's.
#pragma once

#include <weft/gpu/nn.h>
#include <weft/nn.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>

namespace weft_gpu_test {

namespace nn = weft::nn;
namespace gpu = weft::gpu;
using nn::Tensor;

// Every test that needs a device: skipped where device_count() is 0.
class GpuTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (gpu::device_count() == 0)
      GTEST_SKIP() << "no CUDA device is present (weft::gpu::device_count() is 0)";
    context_ = std::make_unique<gpu::Context>();
  }
  gpu::Context &ctx() { return *context_; }

private:
  std::unique_ptr<gpu::Context> context_;
};

// A rows x cols array uniform in [lo, hi), the same for a seed.
inline Tensor random_tensor(std::int64_t rows, std::int64_t cols, std::uint64_t seed,
                            float lo = -1.0f, float hi = 1.0f) {
  Tensor t({rows, cols});
  if (t.size() > 0)
    t.randomize(seed, lo, hi);
  return t;
}

// `count` labels in [0, classes), the same for a seed.
inline nn::Labels random_labels(std::int64_t count, std::int32_t classes, std::uint64_t seed) {
  nn::Labels labels({count});
  if (count > 0)
    labels.randomize(seed, 0, classes);
  return labels;
}

// The GPU result `actual` agrees with the CPU's `expected` when
//   max_i |actual_i - expected_i| <= rtol * max_i |expected_i|,
// an error relative to the largest element: a float sum of k products is off by up to a
// few k * 2^-24 of the sum of the products' magnitudes, and cuBLAS adds in another order
// than OpenBLAS, so an element near 0 by cancellation may differ by far more than its own
// magnitude, never by more than that of the largest.
inline ::testing::AssertionResult agree(const Tensor &expected, const Tensor &actual, double rtol) {
  if (expected.shape() != actual.shape())
    return ::testing::AssertionFailure() << "the shapes differ";
  double scale = 0.0, worst = 0.0;
  std::int64_t worst_at = -1;
  for (std::int64_t i = 0; i < expected.size(); ++i) {
    const double e = expected.data()[i], a = actual.data()[i];
    scale = std::max(scale, std::fabs(e));
    const double diff = std::isnan(a) != std::isnan(e) ? INFINITY : std::fabs(a - e);
    if (diff > worst) {
      worst = diff;
      worst_at = i;
    }
  }
  if (worst_at < 0 || worst <= rtol * scale)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "element " << worst_at << ": CPU " << expected.data()[worst_at] << ", GPU "
         << actual.data()[worst_at] << ", a difference of " << worst << " > " << rtol << " * "
         << scale;
}

// Element for element equal (for operations without arithmetic, or whose arithmetic is the
// CPU's, operation for operation).
inline ::testing::AssertionResult identical(const Tensor &expected, const Tensor &actual) {
  return agree(expected, actual, 0.0);
}

} // namespace weft_gpu_test
