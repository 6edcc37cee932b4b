// A weft::Buffer declared inside the loop body is not installed by the runtime: its
// updates are applied at once, so buf(i) += x(i) reads and writes y[i]. Each
// iteration touches its own element: data parallel (weftc used to stop with an isl
// assertion on this loop).
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=model %s | FileCheck %s --check-prefix=MODEL
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

// expected-no-diagnostics

void add(int n) {
  weft::DistArray<float, 1> y({n}), x({n});
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    weft::Buffer buf(y, weft::apply_add, 4);
    buf(i) += x(i);
  }
}
// MODEL: read y[i] (additive) `buf(i)`
// MODEL-NEXT: write y[i] (additive) `buf(i)`
// CHECK: "verdict": "data_parallel"
