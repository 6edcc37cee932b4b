// Ordered loop running downwards: for i = n - 1 down to 0, A(i) = A(i + 1) * 0.5.
// Iteration i + 1 runs before iteration i and writes A[i + 1], which iteration i then
// reads: a flow dependence from i + 1 to i, distance -1 in i (sink minus source), and
// no anti dependence (A[i + 1] is never written after iteration i reads it). The order
// must be kept and one dim has nothing to partition or skew: sequential, reason
// carried_dependence, with the notes naming the write as the source.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void backward(int n) {
  weft::DistArray<float, 1> A({n + 1});
  #pragma weft parallel_for ordered // expected-warning {{loop stays sequential: a dependence between iterations must keep its order, and no partition or wavefront schedule preserves it}}
  for (int i = n - 1; i >= 0; --i)
    A(i) = A(i + 1) * 0.5f; // expected-note {{iteration i writes A[i]}} expected-note {{that iteration i - 1 reads A[i + 1]}}
}
// CHECK: "dependences": [
// CHECK-NEXT: {
// CHECK-NEXT: "array": "A",
// CHECK-NEXT: "carried": true,
// CHECK-NEXT: "distance": [
// CHECK-NEXT: "-1"
// CHECK-NEXT: ],
// CHECK-NEXT: "kind": "flow",
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "reason": "carried_dependence"
// CHECK: "verdict": "sequential"
