// Unordered loop: iteration i writes A[i] and reads A[n - i]. Iteration i' = n - i reads
// A[i] (n - i' = i): for 0 <= i < n with n - i in [0, n) and n - i != i, e.g. i = 1 and
// i' = n - 1 for n >= 3, two different iterations touch A[i] and one writes it. The
// distance n - 2i is not constant, and with one dim there is nothing to partition:
// sequential, reason conflict.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void mirror(int n) {
  weft::DistArray<float, 1> A({n + 1});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two iterations access the same element and one writes it, and no partitioning of the iterations keeps them apart}}
  for (int i = 0; i < n; ++i)
    A(i) = A(n - i) + 1; // expected-note {{iteration i writes A[i]}} expected-note {{that another iteration reads A[n - i]}}
}
// CHECK: "distance": [
// CHECK-NEXT: "*"
// CHECK: "kind": "conflict"
// CHECK: "reason": "conflict"
// CHECK: "verdict": "sequential"
