// PolyBench heat-3d, the time loop annotated.
//
// Step t computes B from A's 7-point neighbourhood, then A from B's. Step t + 1 reads
// the A of step t: a flow dependence carried by t. Within a step each (i, j, k) nest
// writes one array and reads only the other, so none of the six inner levels carries
// a dependence.
// The band of t is t alone (two nests inside): sequential, carried_dependence.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void heat_3d(int tsteps, int n) {
  weft::DistArray<double, 3> A({n, n, n}), B({n, n, n});
  #pragma weft parallel_for ordered
  for (int t = 1; t <= tsteps; ++t) {
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        for (int k = 1; k < n - 1; ++k)
          B(i, j, k) = 0.125 * (A(i + 1, j, k) - 2.0 * A(i, j, k) + A(i - 1, j, k)) +
                       0.125 * (A(i, j + 1, k) - 2.0 * A(i, j, k) + A(i, j - 1, k)) +
                       0.125 * (A(i, j, k + 1) - 2.0 * A(i, j, k) + A(i, j, k - 1)) +
                       A(i, j, k);
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        for (int k = 1; k < n - 1; ++k)
          A(i, j, k) = 0.125 * (B(i + 1, j, k) - 2.0 * B(i, j, k) + B(i - 1, j, k)) +
                       0.125 * (B(i, j + 1, k) - 2.0 * B(i, j, k) + B(i, j - 1, k)) +
                       0.125 * (B(i, j, k + 1) - 2.0 * B(i, j, k) + B(i, j, k - 1)) +
                       B(i, j, k);
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
// CHECK-NEXT: "name": "k"
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
// CHECK-NEXT: "name": "k"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "reason": "carried_dependence"
// CHECK: "verdict": "sequential"
