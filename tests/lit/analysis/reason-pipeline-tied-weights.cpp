// Tied weights: both layers read W, so the cut between them would leave a weight that
// iterations carry in two stages.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;

void train(nn::Tensor &X, nn::Labels &y, int batches, float lr) {
  const int B = 32;
  nn::Tensor W({64, 64}), b1({1, 64}), b2({1, 64}), Z1({B, 64}), A1({B, 64}), Z2({B, 64});
  nn::Tensor dZ2({B, 64}), dA1({B, 64}), dZ1({B, 64});
  nn::Tensor dW1({64, 64}), db1({1, 64}), dW2({64, 64}), db2({1, 64});
  weft::Accumulator<double> loss(0.0);
  #pragma weft pipeline // expected-warning {{loop stays sequential: a weight is read by layers on both sides of the cut}} expected-note {{keep the layers that share 'W' in one stage, or give each its own copy}} expected-note {{also: an update of one stage's state touches the other stage's arrays}} expected-note {{update each stage's state with its own operation}}
  for (int b = 0; b < batches; ++b) {
    nn::linear(nn::rows(X, b * B, B), W, b1, Z1); // expected-note {{at the cut after layer 1: 'W', which iterations carry (a weight), is read on both sides of the cut, by 'nn::linear(nn::rows(X, b * B, B), W, b1, Z1)' and 'nn::linear(A1, W, b2, Z2)'}}
    nn::relu(Z1, A1);
    nn::linear(A1, W, b2, Z2); // expected-note {{the other side of the cut after layer 1 touches 'W' here}}
    loss += nn::softmax_cross_entropy(Z2, nn::rows(y, b * B, B), dZ2);
    nn::linear_backward(A1, W, dZ2, dW2, db2, dA1); // expected-note {{at the cut after layer 1: 'nn::sgd(b2, db2, lr)' updates state}}
    nn::relu_backward(A1, dA1, dZ1);
    nn::linear_backward_weights(nn::rows(X, b * B, B), dZ1, dW1, db1);
    nn::sgd(W, dW2, lr);
    nn::sgd(b2, db2, lr); // expected-note {{the other side of the cut after layer 1 touches 'db2' here}}
    nn::sgd(W, dW1, lr);
    nn::sgd(b1, db1, lr);
  }
}
// CHECK: "after_layer": 1,
// CHECK: "legal": false,
// CHECK: "array": "W",
// CHECK: "fix": "keep the layers that share 'W' in one stage, or give each its own copy",
// CHECK: "reason": "pipeline_tied_weights",
// CHECK: "reason": "pipeline_tied_weights"
