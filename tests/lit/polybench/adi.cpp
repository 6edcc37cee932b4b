// Alternating-direction sweeps in the style of PolyBench 3's adi, the time loop
// annotated. Each step runs a forward elimination along the rows (j increasing, row i
// fixed) and then one along the columns (i increasing, column j fixed), on X and B.
//
// Step t + 1 reads the X and B step t wrote: t carries.
// Row sweep: (i, j) reads X(i, j - 1), B(i, j - 1), written by (i, j - 1): j carries
// (distance (0, 1)); different rows never meet: its i carries nothing.
// Column sweep: (i, j) reads X(i - 1, j), B(i - 1, j): its i carries (distance (1, 0)),
// its j nothing.
// The band of t is t alone (two nests inside): sequential, carried_dependence.
// adi-column-sweep.cpp annotates the column sweep.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void adi(int tsteps, int n) {
  weft::DistArray<double, 2> A({n, n}), B({n, n}), X({n, n});
  #pragma weft parallel_for ordered
  for (int t = 0; t < tsteps; ++t) {
    for (int i = 0; i < n; ++i)
      for (int j = 1; j < n; ++j) {
        X(i, j) = X(i, j) - X(i, j - 1) * A(i, j) / B(i, j - 1);
        B(i, j) = B(i, j) - A(i, j) * A(i, j) / B(i, j - 1);
      }
    for (int i = 1; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        X(i, j) = X(i, j) - X(i - 1, j) * A(i, j) / B(i - 1, j);
        B(i, j) = B(i, j) - A(i, j) * A(i, j) / B(i - 1, j);
      }
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
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "reason": "carried_dependence"
// CHECK: "verdict": "sequential"
