// Tied weights through a reference declared from the first layer's weight: the second
// layer reads the same array, so the cut between the layers is refused.
// RUN: %weftc --explain -o /dev/null %s 2>&1 | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;
void train(nn::Tensor &X, nn::Labels &y, int batches, float lr) {
  const int B = 32;
  nn::Tensor W1({64, 784}), b1({1, 64}), W2({64, 64}), b2({1, 64});
  nn::Tensor Z1({B, 64}), A1({B, 64}), Z2({B, 64}), dZ2({B, 64}), dA1({B, 64}), dZ1({B, 64});
  nn::Tensor dW1({64, 784}), db1({1, 64}), dW2({64, 64}), db2({1, 64});
  nn::Tensor &W2r = W1;  // tied through a reference
  weft::Accumulator<double> loss(0.0);
  #pragma weft pipeline
  for (int b = 0; b < batches; ++b) {
    nn::linear(nn::rows(X, b * B, B), W1, b1, Z1);
    nn::relu(Z1, A1);
    nn::linear(A1, W2r, b2, Z2);
    loss += nn::softmax_cross_entropy(Z2, nn::rows(y, b * B, B), dZ2);
    nn::linear_backward(A1, W2r, dZ2, dW2, db2, dA1);
    nn::relu_backward(A1, dA1, dZ1);
    nn::linear_backward_weights(nn::rows(X, b * B, B), dZ1, dW1, db1);
    nn::sgd(W2r, dW2, lr);
    nn::sgd(b2, db2, lr);
    nn::sgd(W1, dW1, lr);
    nn::sgd(b1, db1, lr);
  }
}
// CHECK: remark: cut after layer 1: refused: a weight is read by layers on both sides of the cut: 'W1', which iterations carry (a weight), is read on both sides of the cut
// CHECK-NOT: legal (forward
