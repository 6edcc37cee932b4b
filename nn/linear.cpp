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
  for (std::int64_t r = 0; r < n; ++r)
    std::copy(b.data(), b.data() + out, Y.data() + r * out);
  detail::gemm(op, false, true, n, out, X.cols(), 1.0f, X.data(), W.data(), 1.0f, Y.data());
}

void linear_backward(ConstMatrix X, ConstMatrix W, ConstMatrix dY, Matrix dW, Matrix db,
                     Matrix dX) {
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
  detail::gemm(op, true, false, out, in, n, 1.0f, dY.data(), X.data(), 0.0f, dW.data());
  column_sums(dY, db);
  detail::gemm(op, false, false, n, in, out, 1.0f, dY.data(), W.data(), 0.0f, dX.data());
}

void linear_backward_weights(ConstMatrix X, ConstMatrix dY, Matrix dW, Matrix db) {
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
  detail::gemm(op, true, false, out, in, n, 1.0f, dY.data(), X.data(), 0.0f, dW.data());
  column_sums(dY, db);
}

} // namespace nn
} // namespace weft
