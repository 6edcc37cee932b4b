// Ordered loop: a prefix recurrence. Iteration i reads what iteration i - 1 wrote, so
// the order of the single dim must be kept: no partition and no wavefront exist.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void prefix(int n) {
  weft::DistArray<float, 1> A({n});
  #pragma weft parallel_for ordered // expected-warning {{loop stays sequential: a dependence between iterations must keep its order, and no partition or wavefront schedule preserves it}}
  for (int i = 1; i < n; ++i)
    A(i) = A(i - 1) + 1; // expected-note {{iteration i writes A[i]}} expected-note {{that iteration i + 1 reads A[i - 1]}}
}
// CHECK: "kind": "flow"
// CHECK: "reason": "carried_dependence"
// CHECK: "verdict": "sequential"
