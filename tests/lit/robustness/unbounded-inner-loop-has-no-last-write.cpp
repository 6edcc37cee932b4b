// The inner loop counts down from 0 while bounded only from above (k < i), so its
// iterations are unbounded and isl finds no last write before a read ("unbounded
// optimum"). weftc keeps every memory-based flow dependence instead (more, never
// fewer) and ends normally: no internal error.
// RUN: %weftc --emit=report %s | FileCheck %s
// RUN: %weftc %s -o %t.cpp
#include <weft/weft.h>

void f(int n) {
  weft::DistArray<float, 2> A({n, n});
  #pragma weft parallel_for ordered
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < i; --k)
      A(i, 0) = A(i - 1, 0) + A(i, 1);
}
// CHECK: "kind": "flow"
// CHECK: "verdict":
