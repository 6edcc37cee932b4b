// PolyBench jacobi-2d, the time loop annotated.
//
// Step t computes B from the 5-point neighbourhood of A, then A from B's. Step t + 1
// reads the A that step t wrote (flow, carried by t).
// Within a step each (i, j) nest writes one array and reads the other: no level of
// either nest carries a dependence.
// The band of t is t alone (two nests inside): sequential, carried_dependence.
// jacobi-2d-spatial.cpp annotates a spatial nest instead.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void jacobi_2d(int tsteps, int n) {
  weft::DistArray<double, 2> A({n, n}), B({n, n});
  #pragma weft parallel_for ordered
  for (int t = 0; t < tsteps; ++t) {
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        B(i, j) = 0.2 * (A(i, j) + A(i, j - 1) + A(i, j + 1) + A(i + 1, j) + A(i - 1, j));
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        A(i, j) = 0.2 * (B(i, j) + B(i, j - 1) + B(i, j + 1) + B(i + 1, j) + B(i - 1, j));
  }
}
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "t"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "reason": "carried_dependence"
// CHECK: "verdict": "sequential"
