// A two-layer network's training step becomes the pipeline executor's call: one lambda
// per layer and part (forward, backward, update) with the statements as written, the
// minibatch's views of the data narrowed per microbatch, the loss scaled by each
// microbatch's share, the arrays' parts, the legal cut and the accumulator.
// RUN: %weftc %s -o %t.cpp
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;

double train(nn::Tensor &X, nn::Labels &y, int batches, float lr) {
  const int B = 32;
  nn::Tensor W1({16, 64}), b1({1, 16}), W2({4, 16}), b2({1, 4});
  nn::Tensor Z1({B, 16}), A1({B, 16}), Z2({B, 4}), dZ2({B, 4}), dA1({B, 16}), dZ1({B, 16});
  nn::Tensor dW1({16, 64}), db1({1, 16}), dW2({4, 16}), db2({1, 4});
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
  return loss.value();
}
// CHECK: // weft: pipeline: the body has 2 layers
// CHECK: weft::rt::pipeline::Loop weft_pipeline;
// CHECK-NEXT: weft_pipeline.layer(
// CHECK-NEXT: [&]({{\[\[}}maybe_unused]] int b) {
// CHECK-NEXT: nn::linear(weft::rt::pipeline::microbatch(nn::rows(X, b * B, B)), W1, b1, Z1);
// CHECK-NEXT: nn::relu(Z1, A1);
// CHECK-NEXT: },
// CHECK-NEXT: [&]({{\[\[}}maybe_unused]] int b) {
// CHECK-NEXT: nn::relu_backward(A1, dA1, dZ1);
// CHECK-NEXT: nn::linear_backward_weights(weft::rt::pipeline::microbatch(nn::rows(X, b * B, B)), dZ1, dW1, db1);
// CHECK-NEXT: },
// CHECK-NEXT: [&]({{\[\[}}maybe_unused]] int b) {
// CHECK-NEXT: nn::sgd(W1, dW1, lr);
// CHECK-NEXT: nn::sgd(b1, db1, lr);
// CHECK-NEXT: });
// CHECK-NEXT: weft_pipeline.layer(
// CHECK-NEXT: [&]({{\[\[}}maybe_unused]] int b) {
// CHECK-NEXT: nn::linear(A1, W2, b2, Z2);
// CHECK-NEXT: loss += weft::rt::pipeline::row_mean(nn::softmax_cross_entropy(Z2, weft::rt::pipeline::microbatch(nn::rows(y, b * B, B)), dZ2), dZ2);
// CHECK-NEXT: },
// CHECK-NEXT: [&]({{\[\[}}maybe_unused]] int b) {
// CHECK-NEXT: nn::linear_backward(A1, W2, dZ2, dW2, db2, dA1);
// CHECK-NEXT: },
// CHECK: weft_pipeline.examples(Z1, 0);
// CHECK-DAG: weft_pipeline.examples(A1, 0);
// CHECK-DAG: weft_pipeline.examples(dZ1, 0);
// CHECK-DAG: weft_pipeline.examples(Z2, 1);
// CHECK-DAG: weft_pipeline.examples(dZ2, 1);
// CHECK-DAG: weft_pipeline.examples(dA1, 1);
// CHECK-DAG: weft_pipeline.gradient(dW1, 0);
// CHECK-DAG: weft_pipeline.gradient(db2, 1);
// CHECK-DAG: weft_pipeline.weights(W1, 0);
// CHECK-DAG: weft_pipeline.weights(b2, 1);
// CHECK: weft_pipeline.boundary(0, A1, dA1);
// CHECK-NEXT: weft_pipeline.accumulator(loss);
// CHECK-NEXT: weft::rt::pipeline::run(weft::rt::Session::current(), weft_pipeline, 0, batches);
