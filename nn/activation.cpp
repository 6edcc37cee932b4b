// nn::relu and its gradient, elementwise.
#include "checks.h"

namespace weft {
namespace nn {

void relu(ConstMatrix X, Matrix Y) {
  detail::expect_same_shape("relu", "Y", Y, "X", X);
  const float *x = X.data();
  float *y = Y.data();
  const std::int64_t size = X.rows() * X.cols();
  // Y may be X's storage: each element is read before it is written.
  for (std::int64_t i = 0; i < size; ++i)
    y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void relu_backward(ConstMatrix Y, ConstMatrix dY, Matrix dX) {
  detail::expect_same_shape("relu_backward", "dY", dY, "Y", Y);
  detail::expect_same_shape("relu_backward", "dX", dX, "Y", Y);
  const float *y = Y.data(), *dy = dY.data();
  float *dx = dX.data();
  const std::int64_t size = Y.rows() * Y.cols();
  // relu'(x) = 1 for x > 0, else 0 (0 at x = 0, as Y = 0 there); Y > 0 iff X > 0.
  for (std::int64_t i = 0; i < size; ++i)
    dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

} // namespace nn
} // namespace weft
