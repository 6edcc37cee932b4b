// Two names of one array: B is a reference bound to A, and the loop writes through
// both. Iteration i writes A[i] (through A) and A[i + 1] (through B), so iterations i
// and i + 1 both write A[i + 1]: an output conflict between neighbours. The loop has
// one dim, so there is nothing to partition by: sequential, reason conflict (not
// may_alias: weft follows the reference to A, so the two names are known to be one).
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void smear(int n) {
  weft::DistArray<float, 1> A({n + 1}), x({n});
  auto &B = A;
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two iterations access the same element and one writes it, and no partitioning of the iterations keeps them apart}}
  for (int i = 0; i < n; ++i) {
    A(i) = 0.5f * x(i); // expected-note {{iteration i writes A[i]}}
    B(i + 1) = 0.25f * x(i); // expected-note {{that iteration i - 1 writes A[i + 1]}}
  }
}
// CHECK: "kind": "conflict"
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "reason": "conflict"
// CHECK: "verdict": "sequential"
