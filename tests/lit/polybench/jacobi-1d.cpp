// PolyBench jacobi-1d, the time loop annotated.
//
// Step t computes B from A (B(i) from A(i - 1), A(i), A(i + 1)) and then A from B. Step
// t + 1 reads the A that step t wrote: a flow dependence carried by t (and anti and
// output ones, since every step rewrites both arrays).
// Within one step each i loop writes one array and reads only the other, so neither i
// loop carries a dependence.
// The time loop holds two i loops, so its band is t alone: nothing to partition or
// skew, and the steps must run in order: sequential, with reason carried_dependence.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void jacobi_1d(int tsteps, int n) {
  weft::DistArray<double, 1> A({n}), B({n});
  #pragma weft parallel_for ordered
  for (int t = 0; t < tsteps; ++t) {
    for (int i = 1; i < n - 1; ++i)
      B(i) = 0.33333 * (A(i - 1) + A(i) + A(i + 1));
    for (int i = 1; i < n - 1; ++i)
      A(i) = 0.33333 * (B(i - 1) + B(i) + B(i + 1));
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
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "reason": "carried_dependence"
// CHECK: "verdict": "sequential"
