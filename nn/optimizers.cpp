// nn::sgd and nn::adam: in-place parameter updates, elementwise.
#include "checks.h"

#include <cmath>
#include <string>

namespace weft {
namespace nn {

void sgd(Matrix W, ConstMatrix dW, float lr) {
  detail::arguments("sgd").same_shape("dW", dW, "W", W);
  float *w = W.data();
  const float *g = dW.data();
  const std::int64_t size = W.rows() * W.cols();
  for (std::int64_t i = 0; i < size; ++i)
    w[i] -= lr * g[i];
}

void adam(Matrix W, ConstMatrix dW, Matrix m, Matrix v, std::int64_t t, float lr, float beta1,
          float beta2, float eps) {
  const char *op = "adam";
  detail::arguments(op).same_shape("dW", dW, "W", W);
  detail::arguments(op).same_shape("m", m, "W", W);
  detail::arguments(op).same_shape("v", v, "W", W);
  if (t < 1) {
    throw Error("weft::nn::adam: step t is " + std::to_string(t) +
                "; steps count from 1 (the bias corrections divide by 1 - beta^t)");
  }
  // The bias corrections c1 = 1 - beta1^t, c2 = 1 - beta2^t, in double: for beta2 close to
  // 1 and small t, 1 - beta2^t in float loses most of its digits. Then
  //   W -= lr (m / c1) / (sqrt(v / c2) + eps) = step m / (sqrt(v inv_c2) + eps)
  // with step = lr / c1 and inv_c2 = 1 / c2.
  const double c1 = 1.0 - std::pow(static_cast<double>(beta1), static_cast<double>(t));
  const double c2 = 1.0 - std::pow(static_cast<double>(beta2), static_cast<double>(t));
  const float step = static_cast<float>(lr / c1);
  const float inv_c2 = static_cast<float>(1.0 / c2);
  const float one_minus_beta1 = 1.0f - beta1, one_minus_beta2 = 1.0f - beta2;
  float *w = W.data(), *mm = m.data(), *vv = v.data();
  const float *g = dW.data();
  const std::int64_t size = W.rows() * W.cols();
  for (std::int64_t i = 0; i < size; ++i) {
    mm[i] = beta1 * mm[i] + one_minus_beta1 * g[i];
    vv[i] = beta2 * vv[i] + one_minus_beta2 * g[i] * g[i];
    w[i] -= step * mm[i] / (std::sqrt(vv[i] * inv_c2) + eps);
  }
}

} // namespace nn
} // namespace weft
