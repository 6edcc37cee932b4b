// A pipeline loop needs two or more layers. Here the weight w is read first by the
// first statement and updated by the last, so every statement belongs to w's layer:
// there is no cut point.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void train(int batches) {
  weft::DistArray<float, 1> x({batches}), h({batches}), y({batches}), w({1});
  #pragma weft pipeline // expected-warning {{loop stays sequential: the loop body is not a chain of stages}} expected-note {{a pipeline needs two or more layers, each with its own weights (read first by its forward operation, updated after its backward one)}}
  for (int b = 0; b < batches; ++b) {
    h(b) = x(b) * w(0);
    y(b) = h(b) * 2;
    w(0) += y(b);
  }
}
// CHECK: "cuts": [],
// CHECK: "layers": [
// CHECK-NEXT: {
// CHECK-NEXT: "layer": 1,
// CHECK: "reason": "not_a_pipeline"
