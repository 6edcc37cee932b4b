// PolyBench atax, y := A^T (A x), with y cleared before the main nest.
//
// Iteration i computes tmp(i) = (A x)_i and then adds A(i, j) * tmp(i) to every y(j):
// iterations i and i' > i both update y(j), a flow (and anti, output) dependence of
// distance i' - i, so i carries a dependence.
//   first j:   tmp(i) is updated for every j: carried by j.
//   second j:  each j updates its own y(j) and only reads tmp(i): nothing carried.
// The annotated loop holds two j loops, so its band is i alone: there is no inner dim
// to partition by or skew with, and the order of i must be kept: sequential, with
// reason carried_dependence.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void atax(int m, int n) {
  weft::DistArray<double, 2> A({m, n});
  weft::DistArray<double, 1> x({n}), y({n}), tmp({m});
  for (int j = 0; j < n; ++j)
    y(j) = 0.0;
  #pragma weft parallel_for ordered
  for (int i = 0; i < m; ++i) {
    tmp(i) = 0.0;
    for (int j = 0; j < n; ++j)
      tmp(i) += A(i, j) * x(j);
    for (int j = 0; j < n; ++j)
      y(j) += A(i, j) * tmp(i);
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
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "reason": "carried_dependence"
// CHECK: "verdict": "sequential"
