// A read of the loss accumulator inside the step keeps the loop sequential by itself;
// the plan refuses every cut with that reason, not only the verdict.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;

void train(nn::Tensor &X, nn::Labels &y, int batches, float lr) {
  const int B = 32;
  nn::Tensor W1({64, 784}), b1({1, 64}), W2({10, 64}), b2({1, 10});
  nn::Tensor Z1({B, 64}), A1({B, 64}), Z2({B, 10}), dZ2({B, 10}), dA1({B, 64}), dZ1({B, 64});
  nn::Tensor dW1({64, 784}), db1({1, 64}), dW2({10, 64}), db2({1, 10});
  weft::Accumulator<double> loss(0.0);
  #pragma weft pipeline
  for (int b = 0; b < batches; ++b) {
    nn::linear(nn::rows(X, b * B, B), W1, b1, Z1);
    nn::relu(Z1, A1);
    nn::linear(A1, W2, b2, Z2);
    loss += nn::softmax_cross_entropy(Z2, nn::rows(y, b * B, B), dZ2);
    nn::linear_backward(A1, W2, dZ2, dW2, db2, dA1);
    nn::relu_backward(A1, dA1, dZ1);
    nn::linear_backward_weights(nn::rows(X, b * B, B), dZ1, dW1, db1);
    nn::sgd(W2, dW2, lr * static_cast<float>(loss.value()));
    nn::sgd(b2, db2, lr);
    nn::sgd(W1, dW1, lr);
    nn::sgd(b1, db1, lr);
  }
}
// CHECK: "after_layer": 1,
// CHECK: "legal": false,
// CHECK: "detail": "'loss.value()' reads the accumulator 'loss' inside the loop",
// CHECK-NEXT: "first": {
// CHECK-NEXT: "line": 22,
// CHECK: "reason": "accumulator_read",
// CHECK: "proven": "sequential",
// CHECK: "reason": "accumulator_read"
