// weft::gpu::linear and its gradients: the GEMMs in cuBLAS (blas.h), the bias broadcast and
// the bias gradient (column sums) in kernels.
#include "arguments.h"
#include "blas.h"
#include "error.h"
#include "launch.h"

#include "weft/gpu/nn.h"

#include <string>

namespace weft {
namespace gpu {

namespace {

// y (n x out) = every row b (1 x out).
__global__ void broadcast_row_kernel(const float *b, float *y, std::int64_t n, std::int64_t out) {
  const std::int64_t size = n * out;
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < size;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] = b[i % out];
}

// db (1 x out) = the column sums of dy (n x out): one thread per column, which adds the rows
// in order, as the CPU does (the same float sums; adjacent threads read adjacent columns).
__global__ void column_sums_kernel(const float *dy, float *db, std::int64_t n, std::int64_t out) {
  for (std::int64_t c = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; c < out;
       c += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    float sum = 0.0f;
    for (std::int64_t r = 0; r < n; ++r)
      sum += dy[r * out + c];
    db[c] = sum;
  }
}

void column_sums(Context &ctx, ConstMatrix dY, Matrix db) {
  const std::int64_t out = dY.cols();
  if (out == 0)
    return;
  column_sums_kernel<<<detail::grid_for(out), detail::kBlockThreads, 0, ctx.stream()>>>(
      dY.data(), db.data(), dY.rows(), out);
  WEFT_CUDA_CHECK_LAUNCH(column_sums_kernel);
}

} // namespace

void linear(Context &ctx, ConstMatrix X, ConstMatrix W, ConstMatrix b, Matrix Y) {
  const char *op = "linear";
  detail::arguments(op).linear(X, W, b, Y);

  // Y = 1 b (every row b), then Y = X W^T + Y.
  const std::int64_t n = X.rows(), out = W.rows();
  if (n * out == 0)
    return;
  broadcast_row_kernel<<<detail::grid_for(n * out), detail::kBlockThreads, 0, ctx.stream()>>>(
      b.data(), Y.data(), n, out);
  WEFT_CUDA_CHECK_LAUNCH(broadcast_row_kernel);
  detail::gemm(ctx, op, false, true, n, out, X.cols(), 1.0f, X.data(), W.data(), 1.0f, Y.data());
}

void linear_backward(Context &ctx, ConstMatrix X, ConstMatrix W, ConstMatrix dY, Matrix dW,
                     Matrix db, Matrix dX) {
  const char *op = "linear_backward";
  detail::arguments(op).linear_backward(X, W, dY, dW, db, dX);

  const std::int64_t n = X.rows(), in = X.cols(), out = W.rows();
  // dW (out x in) = dY^T X; dX (n x in) = dY W.
  detail::gemm(ctx, op, true, false, out, in, n, 1.0f, dY.data(), X.data(), 0.0f, dW.data());
  column_sums(ctx, dY, db);
  detail::gemm(ctx, op, false, false, n, in, out, 1.0f, dY.data(), W.data(), 0.0f, dX.data());
}

void linear_backward_weights(Context &ctx, ConstMatrix X, ConstMatrix dY, Matrix dW, Matrix db) {
  const char *op = "linear_backward_weights";
  detail::arguments(op).linear_backward_weights(X, dY, dW, db);

  const std::int64_t n = X.rows(), in = X.cols(), out = dY.cols();
  detail::gemm(ctx, op, true, false, out, in, n, 1.0f, dY.data(), X.data(), 0.0f, dW.data());
  column_sums(ctx, dY, db);
}

} // namespace gpu
} // namespace weft
