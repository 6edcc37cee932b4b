// The reference to A is bound inside the loop body: each iteration makes B another name
// of A and writes through both, A[i] and (through B) A[i + 1]. As in
// alias-reference.cpp, iterations i and i + 1 both write A[i + 1]: sequential, reason
// conflict. Binding a reference reads no element; every subscript here is affine.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void smear(int n) {
  weft::DistArray<float, 1> A({n + 1}), x({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two iterations access the same element and one writes it, and no partitioning of the iterations keeps them apart}}
  for (int i = 0; i < n; ++i) {
    auto &B = A;
    A(i) = 0.5f * x(i); // expected-note {{iteration i writes A[i]}}
    B(i + 1) = 0.25f * x(i); // expected-note {{that iteration i - 1 writes A[i + 1]}}
  }
}
// CHECK: "reasons": [
// CHECK-NEXT: {
// CHECK-NOT: "reason": "unknown_subscript"
// CHECK: "reason": "conflict"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "verdict": "sequential"
