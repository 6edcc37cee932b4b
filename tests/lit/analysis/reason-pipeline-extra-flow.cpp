// A penalty that reads the first layer's activation beside the last layer's logits: the
// activation A1 crosses the cut after layer 2 besides A2 (a skip connection), so only
// the cut after layer 1 is legal.
// RUN: %weftc --emit=report %s | FileCheck %s
// RUN: %weftc --explain -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=EXPLAIN
#include <weft/nn.h>
namespace nn = weft::nn;

void train(nn::Tensor &X, nn::Labels &y, int batches, float lr) {
  const int B = 32;
  nn::Tensor W1({64, 784}), b1({1, 64}), W2({32, 64}), b2({1, 32}), W3({10, 32}), b3({1, 10});
  nn::Tensor m1({64, 784}), v1({64, 784}), m2({32, 64}), v2({32, 64}), m3({10, 32}), v3({10, 32});
  nn::Tensor Z1({B, 64}), A1({B, 64}), Z2({B, 32}), A2({B, 32}), Z3({B, 10});
  nn::Tensor dZ3({B, 10}), dA2({B, 32}), dZ2({B, 32}), dA1({B, 64}), dZ1({B, 64});
  nn::Tensor dW1({64, 784}), db1({1, 64}), dW2({32, 64}), db2({1, 32}), dW3({10, 32}), db3({1, 10});
  weft::Accumulator<double> loss(0.0), penalty(0.0);
  #pragma weft pipeline
  for (int b = 0; b < batches; ++b) {
    nn::linear(nn::rows(X, b * B, B), W1, b1, Z1);
    nn::relu(Z1, A1);
    nn::linear(A1, W2, b2, Z2);
    nn::relu(Z2, A2);
    nn::linear(A2, W3, b3, Z3);
    loss += nn::softmax_cross_entropy(Z3, nn::rows(y, b * B, B), dZ3);
    penalty += A1(0, 0) * Z3(0, 0);
    nn::linear_backward(A2, W3, dZ3, dW3, db3, dA2);
    nn::relu_backward(A2, dA2, dZ2);
    nn::linear_backward(A1, W2, dZ2, dW2, db2, dA1);
    nn::relu_backward(A1, dA1, dZ1);
    nn::linear_backward_weights(nn::rows(X, b * B, B), dZ1, dW1, db1);
    nn::adam(W3, dW3, m3, v3, b + 1, lr);
    nn::sgd(b3, db3, lr);
    nn::adam(W2, dW2, m2, v2, b + 1, lr);
    nn::sgd(b2, db2, lr);
    nn::adam(W1, dW1, m1, v1, b + 1, lr);
    nn::sgd(b1, db1, lr);
  }
}
// CHECK: "after_layer": 1,
// CHECK-NEXT: "gradient": "dA1",
// CHECK-NEXT: "legal": true,
// CHECK: "after_layer": 2,
// CHECK-NEXT: "gradient": "",
// CHECK-NEXT: "legal": false,
// CHECK: "array": "A1",
// CHECK-NEXT: "detail": "'A1' crosses the cut forward besides the activation 'A2': 'nn::relu(Z1, A1)' writes it and 'penalty += A1(0, 0) * Z3(0, 0)' reads it",
// CHECK-NEXT: "first": {
// CHECK-NEXT: "line": 20,
// CHECK: "fix": "keep the layers that read 'A1' in the stage that writes it, or cut elsewhere",
// CHECK-NEXT: "message": "more than the activation and its gradient crosses the cut",
// CHECK-NEXT: "reason": "pipeline_extra_flow",
// CHECK-NEXT: "second": {
// CHECK-NEXT: "line": 25,
// EXPLAIN: remark: cut after layer 1: legal (forward 'A1', backward 'dA1')
// EXPLAIN: remark: cut after layer 2: refused: more than the activation and its gradient crosses the cut: 'A1' crosses the cut forward
