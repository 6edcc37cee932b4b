// nn::relu and its gradient, elementwise, in place or not.
#include "checks.h"

namespace weft {
namespace nn {

namespace {

// The kernels take __restrict pointers, so that the compiler vectorizes them without a
// run-time overlap test (whose scalar fallback an in-place call would always take). Each
// is called only where its pointers do not overlap.

void relu_kernel(const float *__restrict x, float *__restrict y, std::int64_t size) {
  for (std::int64_t i = 0; i < size; ++i)
    y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void relu_in_place(float *y, std::int64_t size) {
  for (std::int64_t i = 0; i < size; ++i)
    y[i] = y[i] > 0.0f ? y[i] : 0.0f;
}

// relu'(x) = 1 for x > 0, else 0 (0 at x = 0, as Y = 0 there); Y > 0 iff X > 0.
void relu_backward_kernel(const float *__restrict y, const float *__restrict dy,
                          float *__restrict dx, std::int64_t size) {
  for (std::int64_t i = 0; i < size; ++i) {
    const float g = dy[i]; // loaded unconditionally, so that the select vectorizes
    dx[i] = y[i] > 0.0f ? g : 0.0f;
  }
}

void relu_backward_in_place(const float *__restrict y, float *__restrict d, std::int64_t size) {
  for (std::int64_t i = 0; i < size; ++i)
    d[i] = y[i] > 0.0f ? d[i] : 0.0f;
}

} // namespace

void relu(ConstMatrix X, Matrix Y) {
  detail::arguments("relu").same_shape("Y", Y, "X", X);
  const std::int64_t size = X.rows() * X.cols();
  if (detail::arguments("relu").same_or_disjoint("Y", Y, "X", X))
    relu_in_place(Y.data(), size);
  else
    relu_kernel(X.data(), Y.data(), size);
}

void relu_backward(ConstMatrix Y, ConstMatrix dY, Matrix dX) {
  detail::arguments("relu_backward").same_shape("dY", dY, "Y", Y);
  detail::arguments("relu_backward").same_shape("dX", dX, "Y", Y);
  detail::arguments("relu_backward").disjoint("dX", dX, "Y", Y);
  const std::int64_t size = Y.rows() * Y.cols();
  if (detail::arguments("relu_backward").same_or_disjoint("dX", dX, "dY", dY))
    relu_backward_in_place(Y.data(), dX.data(), size);
  else
    relu_backward_kernel(Y.data(), dY.data(), dX.data(), size);
}

} // namespace nn
} // namespace weft
