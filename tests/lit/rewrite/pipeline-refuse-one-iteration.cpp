// A pipeline loop of one iteration (constant bounds): no weights go from one step to
// the next, so the layers cannot be found; the refusal says so instead of naming an
// array as if it lacked a role.
// RUN: %weftc %s -o /dev/null -- -Xclang -verify
#include <weft/nn.h>
namespace nn = weft::nn;

double train(nn::Tensor &X, nn::Labels &y, int batches, float lr) {
  const int B = 32;
  nn::Tensor W1({16, 64}), b1({1, 16}), W2({4, 16}), b2({1, 4});
  nn::Tensor Z1({B, 16}), A1({B, 16}), Z2({B, 4}), dZ2({B, 4}), dA1({B, 16}), dZ1({B, 16});
  nn::Tensor dW1({16, 64}), db1({1, 16}), dW2({4, 16}), db2({1, 4});
  weft::Accumulator<double> loss(0.0);
  #pragma weft pipeline // expected-warning-re {{loop kept sequential: the pipeline executor cannot run it: {{the loop runs 1 iteration: no weights go from one step to the next, and there is nothing to pipeline}} (its verdict is pipeline)}}
  for (int b = 0; b < 1; ++b) {
    nn::linear(nn::rows(X, b * B, B), W1, b1, Z1);
    nn::relu(Z1, A1);
    nn::linear(A1, W2, b2, Z2);
    loss += nn::softmax_cross_entropy(Z2, nn::rows(y, b * B, B), dZ2);
    nn::linear_backward(A1, W2, dZ2, dW2, db2, dA1);
    nn::relu_backward(A1, dA1, dZ1);
    nn::linear_backward_weights(nn::rows(X, b * B, B), dZ1, dW1, db1);
    nn::sgd(W2, dW2, lr);
    nn::sgd(b2, db2, lr);
    nn::sgd(W1, dW1, lr);
    nn::sgd(b1, db1, lr);
  }
  return loss.value();
}
