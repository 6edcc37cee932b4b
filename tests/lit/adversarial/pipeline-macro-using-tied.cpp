// Layers written through a macro, a using-directive and a using-declaration, with the
// second layer's weight a reference to the first one's: the tied weight is found and
// the cut refused.
// RUN: %weftc --explain -o /dev/null %s 2>&1 | FileCheck %s
#include <weft/nn.h>
using namespace weft::nn;
using weft::nn::relu;
#define FWD(X, W, b, Y) linear(X, W, b, Y)

void train(int dummy, Tensor &X, Labels &y, int batches, float lr) {
  const int B = 32;
  Tensor W1({64, 784}), b1({1, 64}), W2({10, 64}), b2({1, 10});
  Tensor Z1({B, 64}), A1({B, 64}), Z2({B, 10}), dZ2({B, 10}), dA1({B, 64}), dZ1({B, 64});
  Tensor dW1({64, 784}), db1({1, 64}), dW2({10, 64}), db2({1, 10});
  Tensor &W2r = W1;
  weft::Accumulator<double> loss(0.0);
  #pragma weft pipeline
  for (int b = 0; b < batches; ++b) {
    FWD(rows(X, b * B, B), W1, b1, Z1);
    relu(Z1, A1);
    FWD(A1, W2r, b2, Z2);
    loss += softmax_cross_entropy(Z2, rows(y, b * B, B), dZ2);
    linear_backward(A1, W2r, dZ2, dW2, db2, dA1);
    relu_backward(A1, dA1, dZ1);
    linear_backward_weights(rows(X, b * B, B), dZ1, dW1, db1);
    sgd(W2r, dW2, lr);
    sgd(b2, db2, lr);
    sgd(W1, dW1, lr);
    sgd(b1, db1, lr);
  }
}

// CHECK: remark: cut after layer 1: refused: a weight is read by layers on both sides of the cut: 'W1', which iterations carry (a weight), is read on both sides
// CHECK-NOT: legal (forward
