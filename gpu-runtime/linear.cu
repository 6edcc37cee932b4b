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
  detail::expect_same_cols(op, "X", X, "W", W);
  detail::expect_bias_row(op, "b", b, "W", W, W.rows(), "row of W");
  detail::expect_same_rows(op, "Y", Y, "X", X);
  if (Y.cols() != W.rows()) {
    detail::throw_shape_error(op, "Y", Y, "W", W,
                              "Y needs " + std::to_string(W.rows()) + " columns, one per row of W");
  }
  detail::expect_disjoint(op, "Y", Y, "X", X);
  detail::expect_disjoint(op, "Y", Y, "W", W);
  detail::expect_disjoint(op, "Y", Y, "b", b);

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
  detail::expect_same_cols(op, "X", X, "W", W);
  detail::expect_same_rows(op, "dY", dY, "X", X);
  if (dY.cols() != W.rows()) {
    detail::throw_shape_error(op, "dY", dY, "W", W,
                              "dY needs " + std::to_string(W.rows()) +
                                  " columns, one per row of W");
  }
  detail::expect_same_shape(op, "dW", dW, "W", W);
  detail::expect_bias_row(op, "db", db, "W", W, W.rows(), "row of W");
  detail::expect_same_shape(op, "dX", dX, "X", X);
  const char *names[] = {"dW", "db", "dX"};
  const ConstMatrix outputs[] = {dW, db, dX};
  const char *input_names[] = {"X", "W", "dY"};
  const ConstMatrix inputs[] = {X, W, dY};
  for (int o = 0; o < 3; ++o) {
    for (int i = 0; i < 3; ++i)
      detail::expect_disjoint(op, names[o], outputs[o], input_names[i], inputs[i]);
    for (int p = o + 1; p < 3; ++p)
      detail::expect_disjoint(op, names[o], outputs[o], names[p], outputs[p]);
  }

  const std::int64_t n = X.rows(), in = X.cols(), out = W.rows();
  // dW (out x in) = dY^T X; dX (n x in) = dY W.
  detail::gemm(ctx, op, true, false, out, in, n, 1.0f, dY.data(), X.data(), 0.0f, dW.data());
  column_sums(ctx, dY, db);
  detail::gemm(ctx, op, false, false, n, in, out, 1.0f, dY.data(), W.data(), 0.0f, dX.data());
}

void linear_backward_weights(Context &ctx, ConstMatrix X, ConstMatrix dY, Matrix dW, Matrix db) {
  const char *op = "linear_backward_weights";
  detail::expect_same_rows(op, "dY", dY, "X", X);
  if (dW.rows() != dY.cols()) {
    detail::throw_shape_error(op, "dW", dW, "dY", dY,
                              "dW needs " + std::to_string(dY.cols()) +
                                  " rows, one per column of dY");
  }
  detail::expect_same_cols(op, "dW", dW, "X", X);
  detail::expect_bias_row(op, "db", db, "dY", dY, dY.cols(), "column of dY");
  const char *names[] = {"dW", "db"};
  const ConstMatrix outputs[] = {dW, db};
  for (int o = 0; o < 2; ++o) {
    detail::expect_disjoint(op, names[o], outputs[o], "X", X);
    detail::expect_disjoint(op, names[o], outputs[o], "dY", dY);
  }
  detail::expect_disjoint(op, "dW", dW, "db", db);

  const std::int64_t n = X.rows(), in = X.cols(), out = dY.cols();
  detail::gemm(ctx, op, true, false, out, in, n, 1.0f, dY.data(), X.data(), 0.0f, dW.data());
  column_sums(ctx, dY, db);
}

} // namespace gpu
} // namespace weft
