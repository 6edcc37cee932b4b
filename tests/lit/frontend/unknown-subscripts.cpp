// Subscripts that are not affine are kept with the reason, naming the expression:
// indirect (a value read from memory), products of variables, division, and
// variables written in the loop.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>
#include <vector>

void scatter(weft::DistArray<float, 1> &B, const std::vector<int> &idx, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    int j = idx[i];
    B(j) = B(i * i) + B(i / 2);
    int w = i;
    w += 1;
    B(w) = 0;
  }
}

// CHECK: read B[?] `B(i * i)`
// CHECK-NEXT: subscript 0 `i * i` is not affine: 'i * i' multiplies two variables
// CHECK: read B[?] `B(i / 2)`
// CHECK-NEXT: subscript 0 `i / 2` is not affine: 'i / 2' divides, which is not affine
// CHECK: write B[?] `B(j)`
// CHECK-NEXT: subscript 0 `j` is not affine: 'j' holds a value that is not affine ('idx[i]' is a value read from memory or returned by a call (an indirect subscript))
// CHECK: write B[?] `B(w)`
// CHECK-NEXT: subscript 0 `w` is not affine: 'w' holds a value that is not affine ('w' is written inside the loop)
