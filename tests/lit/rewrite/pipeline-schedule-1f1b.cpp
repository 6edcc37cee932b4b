// `schedule(1f1b)` opts into PipeDream's asynchronous schedule: the comment states the
// staleness, the call names the schedule, and the weights that forward and backward
// operations read are declared as weights (kept per version), Adam's moments as state.
// RUN: %weftc %s -o %t.cpp
// RUN: %check_parallel %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;

double train(nn::Tensor &X, nn::Labels &y, int batches, float lr) {
  const int B = 32;
  nn::Tensor W1({16, 64}), b1({1, 16}), W2({4, 16}), b2({1, 4}), m1({16, 64}), v1({16, 64});
  nn::Tensor Z1({B, 16}), A1({B, 16}), Z2({B, 4}), dZ2({B, 4}), dA1({B, 16}), dZ1({B, 16});
  nn::Tensor dW1({16, 64}), db1({1, 16}), dW2({4, 16}), db2({1, 4});
  weft::Accumulator<double> loss(0.0);
  #pragma weft pipeline schedule(1f1b)
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
    nn::adam(W1, dW1, m1, v1, b + 1, lr);
    nn::sgd(b1, db1, lr);
  }
  return loss.value();
}
// CHECK: // weft: pipeline: the body has 2 layers
// CHECK-NEXT: crosses forward and its gradient backward; schedule(1f1b): stage s of p computes with weights p
// CHECK-NEXT: // - 1 - s updates old
// CHECK-DAG: weft_pipeline.weights(W1, 0);
// CHECK-DAG: weft_pipeline.weights(W2, 1);
// CHECK-DAG: weft_pipeline.state(m1, 0);
// CHECK-DAG: weft_pipeline.state(v1, 0);
// CHECK: weft_pipeline.schedule(weft::rt::pipeline::ScheduleKind::one_f_one_b);
// CHECK: weft::rt::pipeline::run(
