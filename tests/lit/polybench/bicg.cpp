// PolyBench bicg, s := A^T r and q := A p, in PolyBench's form: q(i) is cleared inside
// the annotated loop, s before it.
//
// Iterations i and i' > i both update s(j) (distance (i' - i, 0)): i carries a
// dependence. Within one i, q(i) is updated for every j (distance (0, j' - j)): j
// carries one too. The clearing of q(i) sits in i but outside j, so the band of
// perfectly nested levels is i alone; with one dim there is nothing to partition or
// skew: sequential, with reason carried_dependence.
// (bicg-hoisted.cpp clears q before the nest and gets a wavefront.)
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void bicg(int m, int n) {
  weft::DistArray<double, 2> A({n, m});
  weft::DistArray<double, 1> s({m}), q({n}), p({m}), r({n});
  for (int j = 0; j < m; ++j)
    s(j) = 0.0;
  #pragma weft parallel_for ordered
  for (int i = 0; i < n; ++i) {
    q(i) = 0.0;
    for (int j = 0; j < m; ++j) {
      s(j) += r(i) * A(i, j);
      q(i) += A(i, j) * p(j);
    }
  }
}
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "reason": "carried_dependence"
// CHECK: "verdict": "sequential"
