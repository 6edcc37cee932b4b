// weft::nn's optimizers against values worked out by hand, the forward operations against
// their definitions, and a small network that must learn XOR.
#include <weft/nn.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace {

namespace nn = weft::nn;
using nn::Tensor;

Tensor tensor(std::int64_t rows, std::int64_t cols, const std::vector<float> &values) {
  Tensor t({rows, cols});
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

TEST(NnForward, LinearComputesXWTransposedPlusB) {
  // X = [1 2; 3 4; 5 6], W = [1 0; 0 1; 1 1], b = [10 20 30]:
  // Y row r = (x0 + 10, x1 + 20, x0 + x1 + 30).
  const Tensor X = tensor(3, 2, {1, 2, 3, 4, 5, 6});
  const Tensor W = tensor(3, 2, {1, 0, 0, 1, 1, 1});
  const Tensor b = tensor(1, 3, {10, 20, 30});
  Tensor Y({3, 3});
  Y.fill(NAN); // overwritten, not read
  nn::linear(X, W, b, Y);
  const std::vector<float> expected = {11, 22, 33, 13, 24, 37, 15, 26, 41};
  for (std::int64_t i = 0; i < 9; ++i)
    EXPECT_EQ(Y.data()[i], expected[static_cast<std::size_t>(i)]) << "element " << i;
}

TEST(NnForward, LinearWritesOnlyTheRowsOfItsView) {
  const Tensor X = tensor(4, 1, {1, 2, 3, 4});
  const Tensor W = tensor(1, 1, {2});
  const Tensor b = tensor(1, 1, {0.5f});
  Tensor Y({4, 1});
  Y.fill(-1.0f);
  nn::linear(nn::rows(X, 1, 2), W, b, nn::rows(Y, 2, 2));
  EXPECT_EQ(Y(0, 0), -1.0f);
  EXPECT_EQ(Y(1, 0), -1.0f);
  EXPECT_EQ(Y(2, 0), 4.5f); // 2 * 2 + 0.5
  EXPECT_EQ(Y(3, 0), 6.5f); // 2 * 3 + 0.5
}

TEST(NnForward, EmptyMinibatchIsANoOp) {
  const Tensor X({4, 3}), W({2, 3}), b({1, 2});
  Tensor Y({4, 2});
  nn::linear(nn::rows(X, 4, 0), W, b, nn::rows(Y, 4, 0));
  weft::DistArray<std::int32_t, 1> labels({4});
  Tensor dZ({4, 2});
  EXPECT_EQ(
      nn::softmax_cross_entropy(nn::rows(Y, 0, 0), nn::rows(labels, 0, 0), nn::rows(dZ, 0, 0)),
      0.0f);
}

TEST(NnForward, CountCorrectCountsRowsWhoseLargestLogitIsTheLabel) {
  // Rows' largest logits at 2, 0, 1 (a tie between 1 and 2 goes to the first), 1.
  const Tensor Z = tensor(4, 3, {0, 1, 5, 9, 1, 2, 0, 3, 3, -1, 0, -2});
  weft::DistArray<std::int32_t, 1> labels({4});
  labels(0) = 2; // correct
  labels(1) = 1; // wrong
  labels(2) = 1; // correct (first of the tie)
  labels(3) = 1; // correct
  EXPECT_EQ(nn::count_correct(Z, labels), 3);
  EXPECT_EQ(nn::count_correct(nn::rows(Z, 1, 2), nn::rows(labels, 1, 2)), 1);
}

TEST(NnOptimizer, SgdSubtractsLrTimesTheGradient) {
  Tensor W = tensor(2, 2, {1.0f, -2.0f, 0.5f, 0.0f});
  const Tensor dW = tensor(2, 2, {0.5f, -1.0f, 2.0f, 4.0f});
  nn::sgd(W, dW, 0.25f);
  // 1 - 0.125, -2 + 0.25, 0.5 - 0.5, 0 - 1.
  EXPECT_EQ(W(0, 0), 0.875f);
  EXPECT_EQ(W(0, 1), -1.75f);
  EXPECT_EQ(W(1, 0), 0.0f);
  EXPECT_EQ(W(1, 1), -1.0f);
}

TEST(NnOptimizer, AdamTakesTheStepsWorkedOutByHand) {
  // lr 0.1, beta1 0.9, beta2 0.999, eps 1e-8, W = (1, -2).
  Tensor W = tensor(1, 2, {1.0f, -2.0f});
  Tensor m({1, 2}), v({1, 2});
  // Step 1, g = (0.5, -0.1): m = 0.1 g = (0.05, -0.01), v = 0.001 g^2 = (2.5e-4, 1e-5);
  // m / (1 - 0.9) = g, v / (1 - 0.999) = g^2, so each weight moves by lr sign(g):
  // W = (0.9, -1.9).
  // (The float 0.999f is 0.99900001, so 1 - beta2 is 0.00099998713 in float: v is 1.3e-5
  // below its value in exact arithmetic, relatively; W is insensitive to it.)
  nn::adam(W, tensor(1, 2, {0.5f, -0.1f}), m, v, 1, 0.1f);
  EXPECT_NEAR(m(0, 0), 0.05, 1e-7);
  EXPECT_NEAR(m(0, 1), -0.01, 1e-7);
  EXPECT_NEAR(v(0, 0), 2.5e-4, 2.5e-4 * 3e-5);
  EXPECT_NEAR(v(0, 1), 1e-5, 1e-5 * 3e-5);
  EXPECT_NEAR(W(0, 0), 0.9, 1e-6);
  EXPECT_NEAR(W(0, 1), -1.9, 1e-6);
  // Step 2, g = (0.5, 0.3): m = 0.9 m + 0.1 g = (0.095, 0.021),
  // v = 0.999 v + 0.001 g^2 = (4.9975e-4, 9.999e-5); corrections 1 - 0.9^2 = 0.19 and
  // 1 - 0.999^2 = 0.001999:
  //   W0 = 0.9 - 0.1 (0.095 / 0.19) / sqrt(4.9975e-4 / 0.001999) = 0.9 - 0.1 * 0.5 / 0.5 = 0.8
  //   W1 = -1.9 - 0.1 (0.021 / 0.19) / sqrt(9.999e-5 / 0.001999)
  //      = -1.9 - 0.1 * 0.1105263 / 0.2236515 = -1.9494190
  nn::adam(W, tensor(1, 2, {0.5f, 0.3f}), m, v, 2, 0.1f);
  EXPECT_NEAR(m(0, 0), 0.095, 1e-7);
  EXPECT_NEAR(m(0, 1), 0.021, 1e-7);
  EXPECT_NEAR(v(0, 0), 4.9975e-4, 4.9975e-4 * 3e-5);
  EXPECT_NEAR(v(0, 1), 9.999e-5, 9.999e-5 * 3e-5);
  EXPECT_NEAR(W(0, 0), 0.8, 1e-6);
  EXPECT_NEAR(W(0, 1), -1.9494190, 1e-6);
}

TEST(NnOptimizer, AdamRejectsStepZero) {
  Tensor W({1, 1}), dW({1, 1}), m({1, 1}), v({1, 1});
  try {
    nn::adam(W, dW, m, v, 0, 0.1f);
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_STREQ(e.what(), "weft::nn::adam: step t is 0; steps count from 1 (the bias "
                           "corrections divide by 1 - beta^t)");
  }
}

TEST(NnInit, GlorotIsUniformInItsRangeAndDeterministic) {
  Tensor W({30, 20}), W_again({30, 20}), W_other_seed({30, 20});
  nn::init_glorot(W, 7);
  nn::init_glorot(W_again, 7);
  nn::init_glorot(W_other_seed, 8);
  const float a = std::sqrt(6.0f / 50.0f);
  float lo = a, hi = -a;
  bool differs = false;
  for (std::int64_t i = 0; i < W.size(); ++i) {
    lo = std::min(lo, W.data()[i]);
    hi = std::max(hi, W.data()[i]);
    EXPECT_EQ(W.data()[i], W_again.data()[i]);
    differs = differs || W.data()[i] != W_other_seed.data()[i];
  }
  EXPECT_GE(lo, -a);
  EXPECT_LT(hi, a);
  // 600 draws spread over the range.
  EXPECT_LT(lo, -0.9f * a);
  EXPECT_GT(hi, 0.9f * a);
  EXPECT_TRUE(differs);
}

// A 2-8-2 network (relu, softmax cross entropy, Adam) on the four XOR examples, full
// batch, the way a training loop calls weft::nn. With these seeds it first classifies all
// four at step 8 and ends with a loss of 1.2e-4 (measured): 1000 steps leave a wide margin.
TEST(NnTraining, TwoLayerNetworkLearnsXor) {
  const Tensor X = tensor(4, 2, {0, 0, 0, 1, 1, 0, 1, 1});
  weft::DistArray<std::int32_t, 1> y({4});
  y(0) = 0;
  y(1) = 1;
  y(2) = 1;
  y(3) = 0;
  Tensor W1({8, 2}), b1({1, 8}), W2({2, 8}), b2({1, 2});
  nn::init_glorot(W1, 1);
  nn::init_glorot(W2, 2);
  Tensor mW1({8, 2}), vW1({8, 2}), mb1({1, 8}), vb1({1, 8});
  Tensor mW2({2, 8}), vW2({2, 8}), mb2({1, 2}), vb2({1, 2});
  Tensor Z1({4, 8}), A1({4, 8}), Z2({4, 2}), dZ2({4, 2}), dA1({4, 8}), dZ1({4, 8});
  Tensor dW1({8, 2}), db1({1, 8}), dW2({2, 8}), db2({1, 2});
  float loss = 0.0f;
  for (std::int64_t step = 1; step <= 1000; ++step) {
    nn::linear(X, W1, b1, Z1);
    nn::relu(Z1, A1);
    nn::linear(A1, W2, b2, Z2);
    loss = nn::softmax_cross_entropy(Z2, y, dZ2);
    nn::linear_backward(A1, W2, dZ2, dW2, db2, dA1);
    nn::relu_backward(A1, dA1, dZ1);
    nn::linear_backward_weights(X, dZ1, dW1, db1);
    nn::adam(W1, dW1, mW1, vW1, step, 0.05f);
    nn::adam(b1, db1, mb1, vb1, step, 0.05f);
    nn::adam(W2, dW2, mW2, vW2, step, 0.05f);
    nn::adam(b2, db2, mb2, vb2, step, 0.05f);
  }
  nn::linear(X, W1, b1, Z1);
  nn::relu(Z1, A1);
  nn::linear(A1, W2, b2, Z2);
  EXPECT_EQ(nn::count_correct(Z2, y), 4);
  EXPECT_LT(loss, 0.05f);
}

// The same network with plain SGD (measured: all four right from step 17, final loss
// 5.5e-4).
TEST(NnTraining, TwoLayerNetworkLearnsXorWithSgd) {
  const Tensor X = tensor(4, 2, {0, 0, 0, 1, 1, 0, 1, 1});
  weft::DistArray<std::int32_t, 1> y({4});
  y(1) = 1;
  y(2) = 1;
  Tensor W1({8, 2}), b1({1, 8}), W2({2, 8}), b2({1, 2});
  nn::init_glorot(W1, 1);
  nn::init_glorot(W2, 2);
  Tensor Z1({4, 8}), A1({4, 8}), Z2({4, 2}), dZ2({4, 2}), dA1({4, 8});
  Tensor dW1({8, 2}), db1({1, 8}), dW2({2, 8}), db2({1, 2});
  for (int step = 0; step < 3000; ++step) {
    nn::linear(X, W1, b1, Z1);
    nn::relu(Z1, A1);
    nn::linear(A1, W2, b2, Z2);
    nn::softmax_cross_entropy(Z2, y, dZ2);
    nn::linear_backward(A1, W2, dZ2, dW2, db2, dA1);
    nn::relu_backward(A1, dA1, dA1);
    nn::linear_backward_weights(X, dA1, dW1, db1);
    nn::sgd(W1, dW1, 0.5f);
    nn::sgd(b1, db1, 0.5f);
    nn::sgd(W2, dW2, 0.5f);
    nn::sgd(b2, db2, 0.5f);
  }
  nn::linear(X, W1, b1, Z1);
  nn::relu(Z1, A1);
  nn::linear(A1, W2, b2, Z2);
  EXPECT_EQ(nn::count_correct(Z2, y), 4);
}

} // namespace
