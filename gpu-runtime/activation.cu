// weft::gpu::relu and its gradient, elementwise kernels (in place or not: each thread reads
// an element before it writes the same element, so one kernel serves both).
#include "arguments.h"
#include "error.h"
#include "launch.h"

#include "weft/gpu/nn.h"

namespace weft {
namespace gpu {

namespace {

__global__ void relu_kernel(const float *x, float *y, std::int64_t size) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < size;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const float v = x[i];
    y[i] = v > 0.0f ? v : 0.0f;
  }
}

// relu'(x) = 1 for x > 0, else 0 (0 at x = 0, as Y = 0 there); Y > 0 iff X > 0.
__global__ void relu_backward_kernel(const float *y, const float *dy, float *dx,
                                     std::int64_t size) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < size;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

} // namespace

void relu(Context &ctx, ConstMatrix X, Matrix Y) {
  detail::arguments("relu").same_shape("Y", Y, "X", X);
  detail::arguments("relu").same_or_disjoint("Y", Y, "X", X); // refuses a partial overlap
  const std::int64_t size = X.rows() * X.cols();
  if (size == 0)
    return;
  relu_kernel<<<detail::grid_for(size), detail::kBlockThreads, 0, ctx.stream()>>>(X.data(),
                                                                                  Y.data(), size);
  WEFT_CUDA_CHECK_LAUNCH(relu_kernel);
}

void relu_backward(Context &ctx, ConstMatrix Y, ConstMatrix dY, Matrix dX) {
  detail::arguments("relu_backward").same_shape("dY", dY, "Y", Y);
  detail::arguments("relu_backward").same_shape("dX", dX, "Y", Y);
  detail::arguments("relu_backward").disjoint("dX", dX, "Y", Y);
  detail::arguments("relu_backward").same_or_disjoint("dX", dX, "dY", dY);
  const std::int64_t size = Y.rows() * Y.cols();
  if (size == 0)
    return;
  relu_backward_kernel<<<detail::grid_for(size), detail::kBlockThreads, 0, ctx.stream()>>>(
      Y.data(), dY.data(), dX.data(), size);
  WEFT_CUDA_CHECK_LAUNCH(relu_backward_kernel);
}

} // namespace gpu
} // namespace weft
