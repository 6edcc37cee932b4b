// nn::linear and its gradients, each one or two GEMMs (blas.h).
#include "blas.h"
#include "checks.h"

#include <algorithm>

namespace weft {
namespace nn {

namespace {

// db = the column sums of dY (n x out), db 1 x out.
void column_sums(ConstMatrix dY, Matrix db) {
  const std::int64_t n = dY.rows(), out = dY.cols();
  float *sum = db.data();
  std::fill(sum, sum + out, 0.0f);
  for (std::int64_t r = 0; r < n; ++r) {
    const float *row = dY.data() + r * out;
    for (std::int64_t c = 0; c < out; ++c)
      sum[c] += row[c];
  }
}

} // namespace

void linear(ConstMatrix X, ConstMatrix W, ConstMatrix b, Matrix Y) {
  const char *op = "linear";
  detail::arguments(op).linear(X, W, b, Y);

  // Y = 1 b (every row b), then Y = X W^T + Y.
  const std::int64_t n = X.rows(), out = W.rows();
  for (std::int64_t r = 0; r < n; ++r)
    std::copy(b.data(), b.data() + out, Y.data() + r * out);
  detail::gemm(op, false, true, n, out, X.cols(), 1.0f, X.data(), W.data(), 1.0f, Y.data());
}

void linear_backward(ConstMatrix X, ConstMatrix W, ConstMatrix dY, Matrix dW, Matrix db,
                     Matrix dX) {
  const char *op = "linear_backward";
  detail::arguments(op).linear_backward(X, W, dY, dW, db, dX);

  const std::int64_t n = X.rows(), in = X.cols(), out = W.rows();
  // dW (out x in) = dY^T X; dX (n x in) = dY W.
  detail::gemm(op, true, false, out, in, n, 1.0f, dY.data(), X.data(), 0.0f, dW.data());
  column_sums(dY, db);
  detail::gemm(op, false, false, n, in, out, 1.0f, dY.data(), W.data(), 0.0f, dX.data());
}

void linear_backward_weights(ConstMatrix X, ConstMatrix dY, Matrix dW, Matrix db) {
  const char *op = "linear_backward_weights";
  detail::arguments(op).linear_backward_weights(X, dY, dW, db);

  const std::int64_t n = X.rows(), in = X.cols(), out = dY.cols();
  detail::gemm(op, true, false, out, in, n, 1.0f, dY.data(), X.data(), 0.0f, dW.data());
  column_sums(dY, db);
}

} // namespace nn
} // namespace weft
