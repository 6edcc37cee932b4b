// weft::nn's argument checks: each mismatch is a weft::Error naming the operation, the
// argument and both shapes; nn::rows refuses ranges outside its array.
#include <weft/nn.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>

namespace {

namespace nn = weft::nn;
using nn::Tensor;
using Labels = nn::Labels;

// The message of the weft::Error that `call` throws, or "no error".
std::string error_of(const std::function<void()> &call) {
  try {
    call();
  } catch (const weft::Error &e) {
    return e.what();
  }
  return "no error";
}

TEST(NnShapes, LinearNamesXAndWWhenColumnsDiffer) {
  const Tensor X({64, 785}), W({10, 784}), b({1, 10});
  Tensor Y({64, 10});
  EXPECT_EQ(error_of([&] { nn::linear(X, W, b, Y); }),
            "weft::nn::linear: X is 64 x 785 but W is 10 x 784 (X needs W's 784 columns)");
}

TEST(NnShapes, LinearNamesBWhenItIsNotOneRowPerOutput) {
  const Tensor X({64, 784}), W({10, 784}), b({10, 1});
  Tensor Y({64, 10});
  EXPECT_EQ(error_of([&] { nn::linear(X, W, b, Y); }),
            "weft::nn::linear: b is 10 x 1 but W is 10 x 784 (b needs 1 x 10: one row, one "
            "column per row of W)");
}

TEST(NnShapes, LinearNamesYWhenItsRowsOrColumnsDiffer) {
  const Tensor X({64, 784}), W({10, 784}), b({1, 10});
  Tensor Y_rows({32, 10}), Y_cols({64, 11});
  EXPECT_EQ(error_of([&] { nn::linear(X, W, b, Y_rows); }),
            "weft::nn::linear: Y is 32 x 10 but X is 64 x 784 (Y needs X's 64 rows)");
  EXPECT_EQ(error_of([&] { nn::linear(X, W, b, Y_cols); }),
            "weft::nn::linear: Y is 64 x 11 but W is 10 x 784 (Y needs 10 columns, one per row "
            "of W)");
}

TEST(NnShapes, LinearRefusesAnOutputThatOverlapsAnInput) {
  Tensor A({4, 4});
  const Tensor W({4, 4}), b({1, 4});
  EXPECT_EQ(error_of([&] { nn::linear(A, W, b, A); }),
            "weft::nn::linear: Y and X share storage (Y is an output; it must not overlap X)");
  // Disjoint rows of one array are fine.
  EXPECT_EQ(error_of([&] { nn::linear(nn::rows(A, 0, 2), W, b, nn::rows(A, 2, 2)); }), "no error");
}

TEST(NnShapes, LinearBackwardNamesEachArgument) {
  const Tensor X({8, 5}), W({3, 5}), dY({8, 3});
  Tensor dW({3, 5}), db({1, 3}), dX({8, 5});
  const Tensor X_bad({8, 6}), dY_rows({7, 3}), dY_cols({8, 4});
  Tensor dW_bad({5, 3}), db_bad({1, 5}), dX_bad({8, 4});
  EXPECT_EQ(error_of([&] { nn::linear_backward(X_bad, W, dY, dW, db, dX); }),
            "weft::nn::linear_backward: X is 8 x 6 but W is 3 x 5 (X needs W's 5 columns)");
  EXPECT_EQ(error_of([&] { nn::linear_backward(X, W, dY_rows, dW, db, dX); }),
            "weft::nn::linear_backward: dY is 7 x 3 but X is 8 x 5 (dY needs X's 8 rows)");
  EXPECT_EQ(error_of([&] { nn::linear_backward(X, W, dY_cols, dW, db, dX); }),
            "weft::nn::linear_backward: dY is 8 x 4 but W is 3 x 5 (dY needs 3 columns, one "
            "per row of W)");
  EXPECT_EQ(error_of([&] { nn::linear_backward(X, W, dY, dW_bad, db, dX); }),
            "weft::nn::linear_backward: dW is 5 x 3 but W is 3 x 5 (dW needs W's shape)");
  EXPECT_EQ(error_of([&] { nn::linear_backward(X, W, dY, dW, db_bad, dX); }),
            "weft::nn::linear_backward: db is 1 x 5 but W is 3 x 5 (db needs 1 x 3: one row, "
            "one column per row of W)");
  EXPECT_EQ(error_of([&] { nn::linear_backward(X, W, dY, dW, db, dX_bad); }),
            "weft::nn::linear_backward: dX is 8 x 4 but X is 8 x 5 (dX needs X's shape)");
  EXPECT_EQ(error_of([&] { nn::linear_backward(X, W, dY, dW, db, dX); }), "no error");
}

TEST(NnShapes, LinearBackwardRefusesAGradientInPlaceOfItsInput) {
  const Tensor X({4, 4}), W({4, 4});
  Tensor dY({4, 4}), dW({4, 4}), db({1, 4});
  EXPECT_EQ(error_of([&] { nn::linear_backward(X, W, dY, dW, db, dY); }),
            "weft::nn::linear_backward: dX and dY share storage (dX is an output; it must not "
            "overlap dY)");
}

TEST(NnShapes, LinearBackwardWeightsNamesEachArgument) {
  const Tensor X({8, 5}), dY({8, 3}), dY_rows({9, 3});
  Tensor dW({3, 5}), db({1, 3}), dW_rows({2, 5}), dW_cols({3, 4}), db_bad({3, 1});
  EXPECT_EQ(error_of([&] { nn::linear_backward_weights(X, dY_rows, dW, db); }),
            "weft::nn::linear_backward_weights: dY is 9 x 3 but X is 8 x 5 (dY needs X's 8 "
            "rows)");
  EXPECT_EQ(error_of([&] { nn::linear_backward_weights(X, dY, dW_rows, db); }),
            "weft::nn::linear_backward_weights: dW is 2 x 5 but dY is 8 x 3 (dW needs 3 rows, "
            "one per column of dY)");
  EXPECT_EQ(error_of([&] { nn::linear_backward_weights(X, dY, dW_cols, db); }),
            "weft::nn::linear_backward_weights: dW is 3 x 4 but X is 8 x 5 (dW needs X's 5 "
            "columns)");
  EXPECT_EQ(error_of([&] { nn::linear_backward_weights(X, dY, dW, db_bad); }),
            "weft::nn::linear_backward_weights: db is 3 x 1 but dY is 8 x 3 (db needs 1 x 3: "
            "one row, one column per column of dY)");
}

TEST(NnShapes, ReluAndItsBackwardNameTheMismatchedArgument) {
  const Tensor X({4, 3}), Y({4, 3}), dY_bad({3, 4});
  Tensor Y_bad({4, 2}), dX({4, 3}), dX_bad({5, 3});
  EXPECT_EQ(error_of([&] { nn::relu(X, Y_bad); }),
            "weft::nn::relu: Y is 4 x 2 but X is 4 x 3 (Y needs X's shape)");
  EXPECT_EQ(error_of([&] { nn::relu_backward(Y, dY_bad, dX); }),
            "weft::nn::relu_backward: dY is 3 x 4 but Y is 4 x 3 (dY needs Y's shape)");
  EXPECT_EQ(error_of([&] { nn::relu_backward(Y, Y, dX_bad); }),
            "weft::nn::relu_backward: dX is 5 x 3 but Y is 4 x 3 (dX needs Y's shape)");
}

TEST(NnShapes, ElementwiseOperationsWorkInPlaceButRefusePartialOverlap) {
  Tensor A({4, 3}), Y({4, 3});
  EXPECT_EQ(error_of([&] { nn::relu(A, A); }), "no error");
  EXPECT_EQ(error_of([&] { nn::relu(nn::rows(A, 0, 2), nn::rows(A, 1, 2)); }),
            "weft::nn::relu: Y and X share storage but are not the same rows (Y may be X's rows "
            "exactly, or storage of its own)");
  EXPECT_EQ(error_of([&] { nn::relu_backward(Y, A, A); }), "no error");
  EXPECT_EQ(
      error_of([&] { nn::relu_backward(nn::rows(Y, 0, 2), nn::rows(A, 1, 2), nn::rows(A, 2, 2)); }),
      "weft::nn::relu_backward: dX and dY share storage but are not the same rows (dX may "
      "be dY's rows exactly, or storage of its own)");
  EXPECT_EQ(error_of([&] { nn::relu_backward(Y, A, Y); }),
            "weft::nn::relu_backward: dX and Y share storage (dX is an output; it must not "
            "overlap Y)");
}

TEST(NnShapes, SoftmaxCrossEntropyChecksLabelsAndDz) {
  const Tensor Z({4, 3});
  Tensor dZ({4, 3}), dZ_bad({4, 2});
  Labels labels({4}), short_labels({3});
  EXPECT_EQ(error_of([&] { nn::softmax_cross_entropy(Z, short_labels, dZ); }),
            "weft::nn::softmax_cross_entropy: labels has 3 entries but Z is 4 x 3 (labels "
            "needs one entry per row of Z)");
  EXPECT_EQ(error_of([&] { nn::softmax_cross_entropy(Z, labels, dZ_bad); }),
            "weft::nn::softmax_cross_entropy: dZ is 4 x 2 but Z is 4 x 3 (dZ needs Z's shape)");
  labels(2) = 3;
  EXPECT_EQ(error_of([&] { nn::softmax_cross_entropy(Z, labels, dZ); }),
            "weft::nn::softmax_cross_entropy: label 3 of row 2 is outside [0, 3) (Z is 4 x 3)");
  labels(2) = -1;
  EXPECT_EQ(error_of([&] { nn::softmax_cross_entropy(Z, labels, dZ); }),
            "weft::nn::softmax_cross_entropy: label -1 of row 2 is outside [0, 3) (Z is 4 x 3)");
  EXPECT_EQ(error_of([&] { nn::count_correct(Z, short_labels); }),
            "weft::nn::count_correct: labels has 3 entries but Z is 4 x 3 (labels needs one "
            "entry per row of Z)");
}

TEST(NnShapes, OptimizersNameTheMismatchedArgument) {
  Tensor W({3, 2}), dW({3, 2}), m({3, 2}), v({3, 2}), bad({2, 3});
  EXPECT_EQ(error_of([&] { nn::sgd(W, bad, 0.1f); }),
            "weft::nn::sgd: dW is 2 x 3 but W is 3 x 2 (dW needs W's shape)");
  EXPECT_EQ(error_of([&] { nn::adam(W, bad, m, v, 1, 0.1f); }),
            "weft::nn::adam: dW is 2 x 3 but W is 3 x 2 (dW needs W's shape)");
  EXPECT_EQ(error_of([&] { nn::adam(W, dW, bad, v, 1, 0.1f); }),
            "weft::nn::adam: m is 2 x 3 but W is 3 x 2 (m needs W's shape)");
  EXPECT_EQ(error_of([&] { nn::adam(W, dW, m, bad, 1, 0.1f); }),
            "weft::nn::adam: v is 2 x 3 but W is 3 x 2 (v needs W's shape)");
}

TEST(NnRows, ViewsTheGivenRows) {
  Tensor A({5, 3});
  for (std::int64_t i = 0; i < A.size(); ++i)
    A.data()[i] = static_cast<float>(i);
  const nn::Matrix m = nn::rows(A, 1, 3);
  EXPECT_EQ(m.rows(), 3);
  EXPECT_EQ(m.cols(), 3);
  EXPECT_EQ(m(0, 0), 3.0f);
  EXPECT_EQ(m(2, 2), 11.0f);
  const Tensor &cA = A;
  const nn::ConstMatrix c = nn::rows(cA, 5, 0);
  EXPECT_EQ(c.rows(), 0);
  Labels labels({4});
  labels(3) = 9;
  const nn::ConstLabels l = nn::rows(labels, 2, 2);
  EXPECT_EQ(l.size(), 2);
  EXPECT_EQ(l[1], 9);
}

TEST(NnRows, RefusesRangesOutsideTheArray) {
  Tensor A({60000, 784});
  const Tensor &cA = A;
  Labels labels({100});
  const std::string need = " (need 0 <= first, 0 <= count and first + count <= 60000)";
  EXPECT_EQ(error_of([&] { nn::rows(A, 59990, 64); }),
            "weft::nn::rows: first 59990, count 64 is not a range of rows of a 60000 x 784 "
            "array" +
                need);
  EXPECT_EQ(error_of([&] { nn::rows(cA, -1, 10); }),
            "weft::nn::rows: first -1, count 10 is not a range of rows of a 60000 x 784 array" +
                need);
  EXPECT_EQ(error_of([&] { nn::rows(cA, 0, -1); }),
            "weft::nn::rows: first 0, count -1 is not a range of rows of a 60000 x 784 array" +
                need);
  EXPECT_EQ(error_of([&] { nn::rows(A, 60001, 0); }),
            "weft::nn::rows: first 60001, count 0 is not a range of rows of a 60000 x 784 array" +
                need);
  // first + count overflows int64_t: still out of range, not wrapped around.
  EXPECT_EQ(error_of([&] { nn::rows(A, 10, INT64_MAX); }),
            "weft::nn::rows: first 10, count " + std::to_string(INT64_MAX) +
                " is not a range of rows of a 60000 x 784 array" + need);
  EXPECT_EQ(error_of([&] { nn::rows(labels, 90, 11); }),
            "weft::nn::rows: first 90, count 11 is not a range of rows of a vector of 100 "
            "labels (need 0 <= first, 0 <= count and first + count <= 100)");
  EXPECT_EQ(error_of([&] { nn::rows(labels, 90, 10); }), "no error");
}

} // namespace
