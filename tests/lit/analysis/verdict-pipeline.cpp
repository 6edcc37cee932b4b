// A pipeline of three stages whose dependences between iterations go forward (the
// running statistics of stage 3 feed only stage 3 of later iterations).
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void forward(int batches) {
  weft::DistArray<float, 1> x({batches}), h({batches}), y({batches}), stats({1});
  #pragma weft pipeline
  for (int b = 0; b < batches; ++b) {
    h(b) = x(b) * 3;
    y(b) = h(b) + 1;
    stats(0) += y(b);
  }
}
// CHECK: "kept_sequential": "the pipeline executor cannot run it: 'h(b) = x(b) * 3' is not one call of a weft::nn operation (the pipeline executor runs only those)"
// CHECK: "pragma": "pipeline"
// CHECK: "proven": "pipeline"
// CHECK: "verdict": "sequential"
