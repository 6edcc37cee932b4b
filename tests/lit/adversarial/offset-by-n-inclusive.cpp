// offset-by-n.cpp with the bound i <= n: iteration n writes A(n), which iteration 0
// reads (A(0 + n)). One off-by-one in the bound turns the copy into a conflict:
// sequential, reason conflict.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void fold(int n) {
  weft::DistArray<float, 1> A({2 * n + 1});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two iterations access the same element and one writes it, and no partitioning of the iterations keeps them apart}}
  for (int i = 0; i <= n; ++i)
    A(i) = A(i + n); // expected-note {{iteration i writes A[i]}} expected-note {{that another iteration reads A[i + n]}}
}
// CHECK: "reason": "conflict"
// CHECK: "verdict": "sequential"
