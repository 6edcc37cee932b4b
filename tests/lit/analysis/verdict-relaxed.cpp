// Sparse logistic regression: every example updates the shared weights through a
// Buffer, and reads them; with the Buffer the user allows bounded staleness, so the
// only conflicts are relaxable and the loop runs relaxed.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>
#include <cmath>

void sgd_lr(weft::SparseArray<float, 2> &X, weft::DistArray<float, 1> &y, int64_t features) {
  weft::DistArray<float, 1> w({features});
  weft::Buffer<float, 1> dw(w, weft::apply_add, 1000);
  weft::Accumulator<double> loss(0.0);
  #pragma weft parallel_for
  for (const auto &e : X) {
    const float margin = w(e.key[1]) * e.value;
    const float p = 1.0f / (1.0f + std::exp(-margin));
    dw(e.key[1]) += 0.1f * (y(e.key[0]) - p) * e.value;
    loss += std::log(1.0f + std::exp(-margin));
  }
}
// CHECK: "buffers": [
// CHECK-NEXT: "dw"
// CHECK: "relaxable": true
// CHECK: "verdict": "relaxed"
