// Weights passed by reference may be one array (a caller may pass W twice): the analysis
// takes them to be distinct, and the plan lists each such pair of arrays in different
// layers for the pipeline executor to check at run time, as the other executors do.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;
void train(nn::Tensor &X, nn::Labels &y, nn::Tensor &W1, nn::Tensor &W2, int batches, float lr) {
  const int B = 32;
  nn::Tensor b1({1, 64}), b2({1, 64});
  nn::Tensor Z1({B, 64}), A1({B, 64}), Z2({B, 64}), dZ2({B, 64}), dA1({B, 64}), dZ1({B, 64});
  nn::Tensor dW1({64, 64}), db1({1, 64}), dW2({64, 64}), db2({1, 64});
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
    nn::sgd(W2, dW2, lr);
    nn::sgd(b2, db2, lr);
    nn::sgd(W1, dW1, lr);
    nn::sgd(b1, db1, lr);
  }
}
int main() { nn::Tensor X({64,64}), W({64,64}); nn::Labels y({64}); train(X, y, W, W, 2, 0.1f); }
// CHECK: "pipeline": {
// CHECK-NEXT: "assumed_distinct": [
// CHECK: "W1",
// CHECK-NEXT: "A1"
// CHECK: "W1",
// CHECK-NEXT: "W2"
// CHECK: "cuts": [
// CHECK: "legal": true,
// CHECK: "proven": "pipeline"
