// Means over the rows in the other shapes WEFT_ROWS allows: a loss gradient written by a
// void function (scaled after the call), a monitored mean without a gradient (its value
// scaled). Both rewrites compile warning-free.
// RUN: %weftc %s -o %t.cpp
// RUN: %check_parallel %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;

// dY = 2 (Y - T) / n: the gradient of the mean squared error over the rows.
WEFT_EFFECTS(read(Y, T) write(dY))
WEFT_ROWS(rows(Y, T) mean_rows(dY))
void mse_gradient(nn::ConstMatrix Y, nn::ConstMatrix T, nn::Matrix dY);

// The mean over the rows of each row's mean absolute value.
WEFT_EFFECTS(read(X))
WEFT_ROWS(rows(X) mean_rows(return))
float mean_abs(nn::ConstMatrix X);

double train(nn::Tensor &X, nn::Tensor &T, int batches, float lr) {
  const int B = 32;
  nn::Tensor W1({16, 64}), b1({1, 16}), W2({4, 16}), b2({1, 4});
  nn::Tensor Z1({B, 16}), A1({B, 16}), Z2({B, 4}), dZ2({B, 4}), dA1({B, 16}), dZ1({B, 16});
  nn::Tensor dW1({16, 64}), db1({1, 16}), dW2({4, 16}), db2({1, 4});
  weft::Accumulator<double> activity(0.0);
  #pragma weft pipeline
  for (int b = 0; b < batches; ++b) {
    nn::linear(nn::rows(X, b * B, B), W1, b1, Z1);
    nn::relu(Z1, A1);
    activity += mean_abs(A1);
    nn::linear(A1, W2, b2, Z2);
    mse_gradient(Z2, nn::rows(T, b * B, B), dZ2);
    nn::linear_backward(A1, W2, dZ2, dW2, db2, dA1);
    nn::relu_backward(A1, dA1, dZ1);
    nn::linear_backward_weights(nn::rows(X, b * B, B), dZ1, dW1, db1);
    nn::sgd(W2, dW2, lr);
    nn::sgd(b2, db2, lr);
    nn::sgd(W1, dW1, lr);
    nn::sgd(b1, db1, lr);
  }
  return activity.value();
}
// CHECK: activity += weft::rt::pipeline::row_mean(mean_abs(A1));
// CHECK: (mse_gradient(Z2, weft::rt::pipeline::microbatch(nn::rows(T, b * B, B)), dZ2), weft::rt::pipeline::scale_gradient(dZ2));
// CHECK: weft::rt::pipeline::run(
