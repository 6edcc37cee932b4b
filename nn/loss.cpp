// nn::softmax_cross_entropy and nn::count_correct: the classifier's loss and accuracy;
// nn::mean_squared_error: the regression loss.
#include "checks.h"

#include <cmath>
#include <string>

namespace weft {
namespace nn {

float softmax_cross_entropy(ConstMatrix Z, ConstLabels labels, Matrix dZ) {
  const char *op = "softmax_cross_entropy";
  detail::arguments(op).label_count(labels, Z);
  detail::arguments(op).same_shape("dZ", dZ, "Z", Z);
  const std::int64_t n = Z.rows(), classes = Z.cols();
  for (std::int64_t r = 0; r < n; ++r) {
    if (labels[r] < 0 || labels[r] >= classes) {
      throw Error(std::string("weft::nn::") + op + ": label " + std::to_string(labels[r]) +
                  " of row " + std::to_string(r) + " is outside [0, " + std::to_string(classes) +
                  ") (Z is " + detail::Arguments::shape_text(Z) + ")");
    }
  }
  if (n == 0)
    return 0.0f;

  // Row z, label y, m = max_j z_j, s = sum_j exp(z_j - m):
  //   loss = log(sum_j exp(z_j)) - z_y = log(s) - (z_y - m),
  //   dloss/dz_j = softmax(z)_j - [j = y] = exp(z_j - m) / s - [j = y].
  // Subtracting m keeps every exponent <= 0 (no overflow) and one term equal to 1.
  // The mean divides both by n. dZ may be Z's storage: a row of Z is read whole (m, s)
  // before its dZ row is written, element j of dZ after element j of Z.
  const float inv_n = 1.0f / static_cast<float>(n);
  double total = 0.0;
  for (std::int64_t r = 0; r < n; ++r) {
    const float *z = Z.data() + r * classes;
    float *dz = dZ.data() + r * classes;
    const std::int32_t y = labels[r];
    float m = z[0];
    for (std::int64_t j = 1; j < classes; ++j)
      m = std::fmax(m, z[j]);
    double s = 0.0;
    for (std::int64_t j = 0; j < classes; ++j)
      s += std::exp(static_cast<double>(z[j] - m));
    total += std::log(s) - static_cast<double>(z[y] - m);
    const double inv_s = 1.0 / s;
    for (std::int64_t j = 0; j < classes; ++j) {
      const float p = static_cast<float>(std::exp(static_cast<double>(z[j] - m)) * inv_s);
      dz[j] = (p - (j == y ? 1.0f : 0.0f)) * inv_n;
    }
  }
  return static_cast<float>(total / static_cast<double>(n));
}

float mean_squared_error(ConstMatrix Y, ConstMatrix T, Matrix dY) {
  const char *op = "mean_squared_error";
  detail::arguments(op).same_shape("T", T, "Y", Y);
  detail::arguments(op).same_shape("dY", dY, "Y", Y);
  detail::arguments(op).disjoint("dY", dY, "T", T);
  detail::arguments(op).same_or_disjoint("dY", dY, "Y", Y);
  const std::int64_t size = Y.rows() * Y.cols();
  if (size == 0)
    return 0.0f;
  // loss = 1/N sum e^2 and dloss/dy = 2 e / N for e = y - t, N = n c. Element i of Y is
  // read before element i of dY is written, so dY may be Y's storage.
  const float scale = 2.0f / static_cast<float>(size);
  double total = 0.0;
  for (std::int64_t i = 0; i < size; ++i) {
    const float e = Y.data()[i] - T.data()[i];
    total += static_cast<double>(e) * static_cast<double>(e);
    dY.data()[i] = scale * e;
  }
  return static_cast<float>(total / static_cast<double>(size));
}

std::int64_t count_correct(ConstMatrix Z, ConstLabels labels) {
  detail::arguments("count_correct").label_count(labels, Z);
  const std::int64_t n = Z.rows(), classes = Z.cols();
  std::int64_t correct = 0;
  for (std::int64_t r = 0; r < n; ++r) {
    const float *z = Z.data() + r * classes;
    // The first largest logit wins a tie.
    std::int64_t best = 0;
    for (std::int64_t j = 1; j < classes; ++j) {
      if (z[j] > z[best])
        best = j;
    }
    if (classes > 0 && best == labels[r])
      ++correct;
  }
  return correct;
}

} // namespace nn
} // namespace weft
