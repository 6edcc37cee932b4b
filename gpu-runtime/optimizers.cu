// weft::gpu::sgd and weft::gpu::adam: in-place parameter updates, elementwise kernels that
// compute what nn::sgd and nn::adam compute, operation for operation (the library is built
// without contracting a * b + c into one rounding, like the CPU's).
#include "arguments.h"
#include "error.h"
#include "launch.h"

#include "weft/gpu/nn.h"

#include <cmath>
#include <string>

namespace weft {
namespace gpu {

namespace {

__global__ void sgd_kernel(float *w, const float *g, float lr, std::int64_t size) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < size;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    w[i] -= lr * g[i];
}

// The Adam step with the bias corrections folded in on the host (see adam below).
struct AdamStep {
  float beta1, beta2, one_minus_beta1, one_minus_beta2, step, inv_c2, eps;
};

__global__ void adam_kernel(float *w, const float *g, float *m, float *v, AdamStep a,
                            std::int64_t size) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < size;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const float gi = g[i];
    const float mi = a.beta1 * m[i] + a.one_minus_beta1 * gi;
    const float vi = a.beta2 * v[i] + a.one_minus_beta2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= a.step * mi / (sqrtf(vi * a.inv_c2) + a.eps);
  }
}

} // namespace

void sgd(Context &ctx, Matrix W, ConstMatrix dW, float lr) {
  detail::arguments("sgd").same_shape("dW", dW, "W", W);
  const std::int64_t size = W.rows() * W.cols();
  if (size == 0)
    return;
  sgd_kernel<<<detail::grid_for(size), detail::kBlockThreads, 0, ctx.stream()>>>(
      W.data(), dW.data(), lr, size);
  WEFT_CUDA_CHECK_LAUNCH(sgd_kernel);
}

void adam(Context &ctx, Matrix W, ConstMatrix dW, Matrix m, Matrix v, std::int64_t t, float lr,
          float beta1, float beta2, float eps) {
  const char *op = "adam";
  detail::arguments(op).same_shape("dW", dW, "W", W);
  detail::arguments(op).same_shape("m", m, "W", W);
  detail::arguments(op).same_shape("v", v, "W", W);
  if (t < 1) {
    throw Error("weft::gpu::adam: step t is " + std::to_string(t) +
                "; steps count from 1 (the bias corrections divide by 1 - beta^t)");
  }
  // As nn::adam: c1 = 1 - beta1^t and c2 = 1 - beta2^t in double (in float, 1 - beta2^t loses
  // most of its digits for beta2 near 1), then
  //   W -= lr (m / c1) / (sqrt(v / c2) + eps) = step m / (sqrt(v inv_c2) + eps)
  // with step = lr / c1 and inv_c2 = 1 / c2.
  const double c1 = 1.0 - std::pow(static_cast<double>(beta1), static_cast<double>(t));
  const double c2 = 1.0 - std::pow(static_cast<double>(beta2), static_cast<double>(t));
  const AdamStep step{beta1,
                      beta2,
                      1.0f - beta1,
                      1.0f - beta2,
                      static_cast<float>(lr / c1),
                      static_cast<float>(1.0 / c2),
                      eps};
  const std::int64_t size = W.rows() * W.cols();
  if (size == 0)
    return;
  adam_kernel<<<detail::grid_for(size), detail::kBlockThreads, 0, ctx.stream()>>>(
      W.data(), dW.data(), m.data(), v.data(), step, size);
  WEFT_CUDA_CHECK_LAUNCH(adam_kernel);
}

} // namespace gpu
} // namespace weft
