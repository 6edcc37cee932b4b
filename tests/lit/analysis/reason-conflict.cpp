// Unordered loop: iteration i writes A[i], which iteration i - 1 reads (A[i + 1]); with
// one dim there is nothing to partition by, so the loop stays sequential.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void shift(int n) {
  weft::DistArray<float, 1> A({n + 1});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two iterations access the same element and one writes it, and no partitioning of the iterations keeps them apart}}
  for (int i = 0; i < n; ++i)
    A(i) = A(i + 1) * 2; // expected-note {{iteration i writes A[i]}} expected-note {{that iteration i - 1 reads A[i + 1]}}
}
// CHECK: "reason": "conflict"
// CHECK: "verdict": "sequential"
