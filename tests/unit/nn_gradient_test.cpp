// Every backward of weft::nn against central finite differences of its forward.
//
// Each check takes a scalar function L of the forward's inputs and compares the backward's
// gradient with (L(p + h) - L(p - h)) / (2h) for every element p, with L summed in double.
// For a function linear in p (linear's inputs, relu away from 0) the difference quotient is
// exact up to float rounding of the forward; for softmax_cross_entropy it also has the
// truncation error h^2 / 6 |L'''| (about 1e-5 for h = 1e-2). The tolerances below are some
// ten times those errors and far below the size of the gradients checked.
#include <weft/nn.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>

namespace {

namespace nn = weft::nn;
using nn::Tensor;

// A tensor with elements uniform in [lo, hi) for a seed.
Tensor random_tensor(std::int64_t rows, std::int64_t cols, std::uint64_t seed, float lo = -1.0f,
                     float hi = 1.0f) {
  Tensor t({rows, cols});
  t.randomize(seed, lo, hi);
  return t;
}

// sum_ij G_ij Y_ij, in double: a scalar whose gradient with respect to Y is G.
double weighted_sum(const Tensor &G, const Tensor &Y) {
  double sum = 0.0;
  for (std::int64_t r = 0; r < Y.shape()[0]; ++r) {
    for (std::int64_t c = 0; c < Y.shape()[1]; ++c)
      sum += static_cast<double>(G(r, c)) * static_cast<double>(Y(r, c));
  }
  return sum;
}

// Compares `gradient` with the central difference of `loss` as each element of `p` moves by
// +-h: |analytic - numeric| <= atol + rtol |numeric|.
void expect_gradient_matches(const std::string &what, Tensor &p, const Tensor &gradient,
                             const std::function<double()> &loss, float h, double atol,
                             double rtol) {
  ASSERT_EQ(p.shape(), gradient.shape()) << what;
  for (std::int64_t r = 0; r < p.shape()[0]; ++r) {
    for (std::int64_t c = 0; c < p.shape()[1]; ++c) {
      const float saved = p(r, c);
      p(r, c) = saved + h;
      const double up = loss();
      p(r, c) = saved - h;
      const double down = loss();
      p(r, c) = saved;
      // The perturbation actually applied, after rounding to float.
      const double step = static_cast<double>(saved + h) - static_cast<double>(saved - h);
      const double numeric = (up - down) / step;
      const double analytic = gradient(r, c);
      EXPECT_NEAR(analytic, numeric, atol + rtol * std::fabs(numeric))
          << what << " at (" << r << ", " << c << ")";
    }
  }
}

TEST(NnGradient, LinearBackwardGivesDwDbDxOfLinear) {
  const std::int64_t n = 5, in = 4, out = 3;
  Tensor X = random_tensor(n, in, 1), W = random_tensor(out, in, 2), b = random_tensor(1, out, 3);
  const Tensor G = random_tensor(n, out, 4); // dL/dY for L = sum G * Y
  Tensor Y({n, out});
  const auto loss = [&] {
    nn::linear(X, W, b, Y);
    return weighted_sum(G, Y);
  };
  Tensor dW({out, in}), db({1, out}), dX({n, in});
  nn::linear_backward(X, W, G, dW, db, dX);
  expect_gradient_matches("dW", W, dW, loss, 0.1f, 1e-4, 1e-4);
  expect_gradient_matches("db", b, db, loss, 0.1f, 1e-4, 1e-4);
  expect_gradient_matches("dX", X, dX, loss, 0.1f, 1e-4, 1e-4);
}

TEST(NnGradient, LinearBackwardOverwritesItsOutputs) {
  const std::int64_t n = 3, in = 2, out = 2;
  const Tensor X = random_tensor(n, in, 1), W = random_tensor(out, in, 2);
  const Tensor dY = random_tensor(n, out, 3);
  Tensor dW({out, in}), db({1, out}), dX({n, in});
  nn::linear_backward(X, W, dY, dW, db, dX);
  const Tensor dW1 = dW, db1 = db, dX1 = dX;
  // NaN in the outputs must not leak into the results (nothing is read or accumulated).
  dW.fill(NAN);
  db.fill(NAN);
  dX.fill(NAN);
  nn::linear_backward(X, W, dY, dW, db, dX);
  for (std::int64_t i = 0; i < dW.size(); ++i)
    EXPECT_EQ(dW.data()[i], dW1.data()[i]);
  for (std::int64_t i = 0; i < db.size(); ++i)
    EXPECT_EQ(db.data()[i], db1.data()[i]);
  for (std::int64_t i = 0; i < dX.size(); ++i)
    EXPECT_EQ(dX.data()[i], dX1.data()[i]);
}

TEST(NnGradient, LinearBackwardWeightsGivesDwDbOfLinearLikeLinearBackward) {
  const std::int64_t n = 6, in = 5, out = 4;
  Tensor X = random_tensor(n, in, 11), W = random_tensor(out, in, 12);
  Tensor b = random_tensor(1, out, 13);
  const Tensor G = random_tensor(n, out, 14);
  Tensor Y({n, out});
  const auto loss = [&] {
    nn::linear(X, W, b, Y);
    return weighted_sum(G, Y);
  };
  Tensor dW({out, in}), db({1, out});
  dW.fill(NAN);
  db.fill(NAN);
  nn::linear_backward_weights(X, G, dW, db);
  expect_gradient_matches("dW", W, dW, loss, 0.1f, 1e-4, 1e-4);
  expect_gradient_matches("db", b, db, loss, 0.1f, 1e-4, 1e-4);

  Tensor dW_full({out, in}), db_full({1, out}), dX({n, in});
  nn::linear_backward(X, W, G, dW_full, db_full, dX);
  for (std::int64_t i = 0; i < dW.size(); ++i)
    EXPECT_EQ(dW.data()[i], dW_full.data()[i]);
  for (std::int64_t i = 0; i < db.size(); ++i)
    EXPECT_EQ(db.data()[i], db_full.data()[i]);
}

TEST(NnGradient, LinearBackwardOnMinibatchRowsOfLargerArrays) {
  // The same gradients through nn::rows views of rows [2, 5) of larger arrays.
  const std::int64_t n = 3, in = 4, out = 2;
  Tensor Xall = random_tensor(7, in, 21), W = random_tensor(out, in, 22);
  Tensor b = random_tensor(1, out, 23);
  const Tensor G = random_tensor(n, out, 24);
  Tensor Yall({7, out});
  const auto loss = [&] {
    nn::linear(nn::rows(Xall, 2, n), W, b, nn::rows(Yall, 2, n));
    Tensor Y({n, out});
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t c = 0; c < out; ++c)
        Y(r, c) = Yall(2 + r, c);
    return weighted_sum(G, Y);
  };
  Tensor dW({out, in}), db({1, out}), dXall({7, in});
  nn::linear_backward(nn::rows(Xall, 2, n), W, G, dW, db, nn::rows(dXall, 2, n));
  expect_gradient_matches("dW", W, dW, loss, 0.1f, 1e-4, 1e-4);
  expect_gradient_matches("db", b, db, loss, 0.1f, 1e-4, 1e-4);
  // dX of the rows outside the view is untouched (zero); inside, it is dL/dX.
  expect_gradient_matches("dX", Xall, dXall, loss, 0.1f, 1e-4, 1e-4);
}

TEST(NnGradient, ReluBackwardGivesDxOfRelu) {
  const std::int64_t n = 4, k = 5;
  // Inputs at least 0.1 away from the kink at 0, so that +-h never crosses it.
  Tensor X({n, k});
  X.randomize(31, 0.1f, 1.0f);
  for (std::int64_t i = 0; i < X.size(); i += 2)
    X.data()[i] = -X.data()[i];
  const Tensor G = random_tensor(n, k, 32);
  Tensor Y({n, k});
  const auto loss = [&] {
    nn::relu(X, Y);
    return weighted_sum(G, Y);
  };
  nn::relu(X, Y);
  Tensor dX({n, k});
  nn::relu_backward(Y, G, dX);
  expect_gradient_matches("dX", X, dX, loss, 1e-2f, 1e-5, 1e-5);
}

TEST(NnGradient, ReluAndItsBackwardWorkInPlace) {
  Tensor X({2, 3});
  const float values[] = {-1.0f, 0.0f, 2.0f, 3.0f, -0.5f, 0.25f};
  std::copy(values, values + 6, X.data());
  nn::relu(X, X);
  const float relu_values[] = {0.0f, 0.0f, 2.0f, 3.0f, 0.0f, 0.25f};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(X.data()[i], relu_values[i]);
  Tensor dY({2, 3});
  dY.fill(7.0f);
  nn::relu_backward(X, dY, dY);
  const float grad_values[] = {0.0f, 0.0f, 7.0f, 7.0f, 0.0f, 7.0f};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(dY.data()[i], grad_values[i]);
}

TEST(NnGradient, SoftmaxCrossEntropyGivesDzOfTheMeanLoss) {
  const std::int64_t n = 4, classes = 5;
  Tensor Z = random_tensor(n, classes, 41, -3.0f, 3.0f);
  weft::DistArray<std::int32_t, 1> labels({n});
  const std::int32_t label_values[] = {0, 4, 2, 2};
  std::copy(label_values, label_values + n, labels.data());
  Tensor dZ({n, classes}), scratch({n, classes});
  const auto loss = [&] {
    return static_cast<double>(nn::softmax_cross_entropy(Z, labels, scratch));
  };
  nn::softmax_cross_entropy(Z, labels, dZ);
  expect_gradient_matches("dZ", Z, dZ, loss, 1e-2f, 2e-4, 1e-3);
}

TEST(NnGradient, MeanSquaredErrorGivesDyOfTheMeanLoss) {
  const std::int64_t n = 4, c = 3;
  Tensor Y = random_tensor(n, c, 43, -2.0f, 2.0f);
  const Tensor T = random_tensor(n, c, 44, -2.0f, 2.0f);
  Tensor dY({n, c}), scratch({n, c});
  const auto loss = [&] { return static_cast<double>(nn::mean_squared_error(Y, T, scratch)); };
  nn::mean_squared_error(Y, T, dY);
  expect_gradient_matches("dY", Y, dY, loss, 1e-2f, 1e-4, 1e-3);
}

TEST(NnGradient, MeanSquaredErrorMatchesItsDefinitionInPlace) {
  // Errors (1, -2) and (0, 3): loss (1 + 4 + 0 + 9) / 4 = 3.5, dY = 2 e / 4.
  Tensor Y({2, 2}), T({2, 2});
  const float y[] = {1.0f, 0.0f, 5.0f, 3.0f}, t[] = {0.0f, 2.0f, 5.0f, 0.0f};
  std::copy(y, y + 4, Y.data());
  std::copy(t, t + 4, T.data());
  EXPECT_FLOAT_EQ(nn::mean_squared_error(Y, T, Y), 3.5f);
  EXPECT_FLOAT_EQ(Y(0, 0), 0.5f);
  EXPECT_FLOAT_EQ(Y(0, 1), -1.0f);
  EXPECT_FLOAT_EQ(Y(1, 0), 0.0f);
  EXPECT_FLOAT_EQ(Y(1, 1), 1.5f);
  EXPECT_THROW(nn::mean_squared_error(Y, T, T), weft::Error);
}

TEST(NnGradient, SoftmaxCrossEntropyMatchesItsDefinitionAndSurvivesLargeLogits) {
  // Row 0: logits (0, ln 3): softmax (1/4, 3/4); label 1: loss -ln(3/4).
  // Row 1: logits (1000, 0): softmax (1, e^-1000); label 1: loss 1000 (no overflow).
  Tensor Z({2, 2});
  Z(0, 0) = 0.0f;
  Z(0, 1) = std::log(3.0f);
  Z(1, 0) = 1000.0f;
  Z(1, 1) = 0.0f;
  weft::DistArray<std::int32_t, 1> labels({2});
  labels(0) = 1;
  labels(1) = 1;
  Tensor dZ({2, 2});
  const float loss = nn::softmax_cross_entropy(Z, labels, dZ);
  EXPECT_NEAR(loss, (-std::log(0.75) + 1000.0) / 2.0, 1e-4);
  EXPECT_NEAR(dZ(0, 0), 0.25 / 2, 1e-7);
  EXPECT_NEAR(dZ(0, 1), (0.75 - 1.0) / 2, 1e-7);
  EXPECT_NEAR(dZ(1, 0), 1.0 / 2, 1e-7);
  EXPECT_NEAR(dZ(1, 1), -1.0 / 2, 1e-7);
  // In place: dZ may be Z's storage.
  nn::softmax_cross_entropy(Z, labels, Z);
  EXPECT_NEAR(Z(0, 0), 0.25 / 2, 1e-7);
  EXPECT_NEAR(Z(1, 1), -1.0 / 2, 1e-7);
}

TEST(NnGradient, TwoLayerNetworkBackwardChainMatchesFiniteDifferences) {
  // L = softmax_cross_entropy(relu(X W1^T + b1) W2^T + b2): the chain of calls the mlp
  // sample makes, with linear_backward_weights for the first layer.
  const std::int64_t n = 6, in = 3, hidden = 5, classes = 3;
  const Tensor X = random_tensor(n, in, 64);
  Tensor W1 = random_tensor(hidden, in, 65), b1 = random_tensor(1, hidden, 66);
  Tensor W2 = random_tensor(classes, hidden, 67), b2 = random_tensor(1, classes, 68);
  weft::DistArray<std::int32_t, 1> labels({n});
  for (std::int64_t r = 0; r < n; ++r)
    labels(r) = static_cast<std::int32_t>(r % classes);
  Tensor Z1({n, hidden}), A1({n, hidden}), Z2({n, classes}), dZ2({n, classes});
  const auto loss = [&] {
    nn::linear(X, W1, b1, Z1);
    nn::relu(Z1, A1);
    nn::linear(A1, W2, b2, Z2);
    return static_cast<double>(nn::softmax_cross_entropy(Z2, labels, dZ2));
  };
  loss();
  Tensor dW2({classes, hidden}), db2({1, classes}), dA1({n, hidden});
  Tensor dW1({hidden, in}), db1({1, hidden});
  nn::linear_backward(A1, W2, dZ2, dW2, db2, dA1);
  nn::relu_backward(A1, dA1, dA1);
  nn::linear_backward_weights(X, dA1, dW1, db1);
  // Moving one element of W1 or b1 by h = 1e-2 moves a first-layer pre-activation by at
  // most h max(1, |x|) = h (|x| < 1), so none crosses relu's kink when all are at least 2h
  // away from 0, as they are for these seeds.
  for (std::int64_t i = 0; i < Z1.size(); ++i)
    ASSERT_GT(std::fabs(Z1.data()[i]), 0.02f) << "pre-activation " << i << " is near the kink";
  expect_gradient_matches("dW2", W2, dW2, loss, 1e-2f, 2e-4, 2e-3);
  expect_gradient_matches("db2", b2, db2, loss, 1e-2f, 2e-4, 2e-3);
  expect_gradient_matches("dW1", W1, dW1, loss, 1e-2f, 2e-4, 2e-3);
  expect_gradient_matches("db1", b1, db1, loss, 1e-2f, 2e-4, 2e-3);
}

} // namespace
