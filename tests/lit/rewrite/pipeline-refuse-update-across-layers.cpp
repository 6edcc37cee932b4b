// An update that touches two layers' weights (the cut between them is refused, the cut
// after the third layer is legal): the executor runs each layer's updates apart, in
// layer order on a stage, which would move it before the second layer's own update.
// RUN: %weftc %s -o /dev/null -- -Xclang -verify
#include <weft/nn.h>
namespace nn = weft::nn;
WEFT_EFFECTS(update(P, Q))
WEFT_ROWS()
void average(nn::Matrix P, nn::Matrix Q);

double train(nn::Tensor &X, nn::Labels &y, int batches, float lr) {
  const int B = 32;
  nn::Tensor W1({16, 64}), b1({1, 16}), W2({16, 16}), b2({1, 16}), W3({4, 16}), b3({1, 4});
  nn::Tensor Z1({B, 16}), A1({B, 16}), Z2({B, 16}), A2({B, 16}), Z3({B, 4}), dZ3({B, 4});
  nn::Tensor dA2({B, 16}), dZ2({B, 16}), dA1({B, 16}), dZ1({B, 16});
  nn::Tensor dW1({16, 64}), db1({1, 16}), dW2({16, 16}), db2({1, 16}), dW3({4, 16}), db3({1, 4});
  weft::Accumulator<double> loss(0.0);
  #pragma weft pipeline // expected-warning-re {{loop kept sequential: the pipeline executor cannot run it: 'average(W1, W2)' updates with 'W2', an array of another layer{{.*}} (its verdict is pipeline)}}
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
    average(W1, W2);
    nn::sgd(W1, dW1, lr);
    nn::sgd(b1, db1, lr);
  }
  return loss.value();
}
