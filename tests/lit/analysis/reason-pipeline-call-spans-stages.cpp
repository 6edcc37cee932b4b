// A helper that is not a weft::nn operation scales the weights of layers 1 and 3: weft
// sees its body, but the call would run in one stage and touch the other's weights.
// RUN: %weftc %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=DIAG
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;

void scale_both(nn::Tensor &P, nn::Tensor &Q, float f) {
  P(0, 0) *= f;
  Q(0, 0) *= f;
}

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
    nn::sgd(W3, dW3, lr);
    nn::sgd(b3, db3, lr);
    nn::sgd(W2, dW2, lr);
    nn::sgd(b2, db2, lr);
    nn::sgd(W1, dW1, lr);
    nn::sgd(b1, db1, lr);
    scale_both(W1, W3, 0.999f);
  }
}
// DIAG: warning: loop stays sequential: a call that is not a weft::nn operation touches arrays of both stages
// DIAG: note: at the cut after layer 1: 'scale_both(W1, W3, 0.999f)' calls a function that is not a weft::nn operation, and 'W3' is touched on both sides of the cut
// DIAG: note: the other side of the cut after layer 1 touches 'W3' here
// DIAG: note: keep the call's arrays in one stage, or split the call into one per stage
// CHECK: "after_layer": 1,
// CHECK: "array": "W3",
// CHECK: "reason": "pipeline_call_spans_stages",
// CHECK: "after_layer": 2,
// CHECK: "reason": "pipeline_call_spans_stages",
