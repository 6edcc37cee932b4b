// A pipeline whose last stage updates the weights the first stage reads in the next
// iteration: that dependence runs backwards through the stages.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void train(int batches) {
  weft::DistArray<float, 1> x({batches}), h({batches}), y({batches}), w({1});
  #pragma weft pipeline // expected-warning {{loop stays sequential: the loop body is not a chain of stages}} expected-note {{move the update so that it happens in the stage that reads it, or later}}
  for (int b = 0; b < batches; ++b) {
    h(b) = x(b) * w(0); // expected-note {{that iteration b + 1 reads w[0]}}
    y(b) = h(b) * 2;
    w(0) += y(b); // expected-note {{iteration b writes w[0]}}
  }
}
// CHECK: "reason": "not_a_pipeline"
