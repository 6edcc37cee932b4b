// Accumulator updates are reductions and Buffer updates are buffered writes of the
// element they name; reading an Accumulator's value is an ordinary read.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>

double report(weft::SparseArray<float, 2> &R, weft::DistArray<float, 1> &w) {
  weft::Accumulator<double> loss(0.0);
  weft::Buffer<float, 1> dw(w, weft::apply_add, 100);
  double last = 0;
  #pragma weft parallel_for
  for (const auto &e : R) {
    float g = e.value - w(e.key[1]);
    loss += g * g;
    dw(e.key[1]) += 0.1f * g;
    last = loss.value();
  }
  return last;
}

// CHECK: array loss: Accumulator of double, rank 0
// CHECK-NEXT: array dw: Buffer of float, rank 1, updates w
// CHECK: S1 ({{.*}}:13:5): loss += g * g
// CHECK: reduce loss `loss += g * g` at {{.*}}:13:5
// CHECK: S2 ({{.*}}:14:5): dw(e.key[1]) += 0.1f * g
// CHECK: buffer-update dw[key1] `dw(e.key[1])` at {{.*}}:14:5
// CHECK: S3 ({{.*}}:15:5): last = loss.value()
// CHECK-NEXT: domain
// CHECK-NEXT: position
// CHECK-NEXT: read loss `loss.value()`
// CHECK-NEXT: write last `last`
