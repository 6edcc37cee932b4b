// One Adam step counter, incremented in the loop, read by the optimizer of both layers:
// it is state that iterations carry, read on both sides of the cut.
// RUN: %weftc --explain -o /dev/null %s 2>&1 | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;

void train(nn::Tensor &X, nn::Labels &y, int batches, float lr) {
  const int B = 32;
  nn::Tensor W1({64, 784}), b1({1, 64}), W2({10, 64}), b2({1, 10});
  nn::Tensor m1({64, 784}), v1({64, 784}), m2({10, 64}), v2({10, 64});
  nn::Tensor Z1({B, 64}), A1({B, 64}), Z2({B, 10}), dZ2({B, 10}), dA1({B, 64}), dZ1({B, 64});
  nn::Tensor dW1({64, 784}), db1({1, 64}), dW2({10, 64}), db2({1, 10}), G1({64, 784}), G2({10, 64});
  weft::Accumulator<double> loss(0.0);
  int step = 0; float scale = 1.0f;

  #pragma weft pipeline
  for (int b = 0; b < batches; ++b) {
    nn::linear(nn::rows(X, b * B, B), W1, b1, Z1);
    nn::relu(Z1, A1);
    nn::linear(A1, W2, b2, Z2);
    loss += nn::softmax_cross_entropy(Z2, nn::rows(y, b * B, B), dZ2);
    nn::linear_backward(A1, W2, dZ2, dW2, db2, dA1);
    nn::relu_backward(A1, dA1, dZ1);
    nn::linear_backward_weights(nn::rows(X, b * B, B), dZ1, dW1, db1);
    ++step;
    nn::adam(W2, dW2, m2, v2, step, lr);
    nn::sgd(b2, db2, lr);
    nn::adam(W1, dW1, m1, v1, step, lr);
    nn::sgd(b1, db1, lr);

  }
}
// CHECK: remark: cut after layer 1: refused: a weight is read by layers on both sides of the cut: 'step', which iterations carry
// CHECK-NOT: legal (forward
