// The loop of sparse-lr-direct.cpp with both updates made through a weft::Buffer on w.
// Buffered updates of one target commute with each other; what remains are reads of w
// against buffered updates of it, which the user allowed to be stale by at most
// max_delay updates. No other conflict (y is only read; margin, p and g are per
// iteration): relaxed.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>
#include <cmath>

// expected-no-diagnostics

void sgd_lr(weft::SparseArray<float, 2> &X, int64_t examples, int64_t features) {
  weft::DistArray<float, 1> w({features + 1}), y({examples});
  weft::Buffer<float, 1> dw(w, weft::apply_add, 1000);
  #pragma weft parallel_for
  for (const auto &e : X) {
    const float margin = w(e.key[1]) * e.value + w(features);
    const float p = 1.0f / (1.0f + std::exp(-margin));
    const float g = y(e.key[0]) - p;
    dw(e.key[1]) += 0.1f * g * e.value;
    dw(features) += 0.1f * g;
  }
}
// CHECK: "buffers": [
// CHECK-NEXT: "dw"
// CHECK-NEXT: ],
// CHECK-NOT: "relaxable": false
// CHECK: "reasons": [],
// CHECK: "verdict": "relaxed"
