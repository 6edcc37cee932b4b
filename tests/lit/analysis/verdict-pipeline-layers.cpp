// A three-layer network trained with Adam: its layers are found from the weights each
// forward operation reads first, and both cuts between them are legal, each crossed only
// by the activation forward and its gradient backward.
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
  weft::Accumulator<double> loss(0.0);
  #pragma weft pipeline
  for (int b = 0; b < batches; ++b) {
    nn::linear(nn::rows(X, b * B, B), W1, b1, Z1);
    nn::relu(Z1, A1);
    nn::linear(A1, W2, b2, Z2);
    nn::relu(Z2, A2);
    nn::linear(A2, W3, b3, Z3);
    loss += nn::softmax_cross_entropy(Z3, nn::rows(y, b * B, B), dZ3);
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
// CHECK: "activation": "A1",
// CHECK-NEXT: "after_layer": 1,
// CHECK-NEXT: "gradient": "dA1",
// CHECK-NEXT: "legal": true,
// CHECK-NEXT: "refusals": []
// CHECK: "activation": "A2",
// CHECK-NEXT: "after_layer": 2,
// CHECK-NEXT: "gradient": "dA2",
// CHECK-NEXT: "legal": true,
// CHECK: "layers": [
// CHECK: "layer": 1,
// CHECK: "line": 19,
// CHECK-NEXT: "text": "nn::linear(nn::rows(X, b * B, B), W1, b1, Z1)"
// CHECK: "line": 35,
// CHECK-NEXT: "text": "nn::sgd(b1, db1, lr)"
// CHECK: "layer": 2,
// CHECK: "layer": 3,
// CHECK: "line": 23,
// CHECK-NEXT: "text": "nn::linear(A2, W3, b3, Z3)"
// CHECK: "line": 24,
// CHECK-NEXT: "text": "loss += nn::softmax_cross_entropy(Z3, nn::rows(y, b * B, B), dZ3)"
// CHECK: "proven": "pipeline"
// CHECK: "why": "the body has 3 layers, and the cuts after layers 1, 2 are legal: only an activation crosses forward and its gradient backward"
// EXPLAIN: remark: layer 1: the statements at lines 19, 20, 28, 29, 34, 35
// EXPLAIN: remark: layer 2: the statements at lines 21, 22, 26, 27, 32, 33
// EXPLAIN: remark: layer 3: the statements at lines 23, 24, 25, 30, 31
// EXPLAIN: remark: cut after layer 1: legal (forward 'A1', backward 'dA1')
// EXPLAIN: remark: cut after layer 2: legal (forward 'A2', backward 'dA2')
