// PolyBench trisolv: forward substitution, L x = b with L lower triangular.
//
// x(i) reads x(j) for every j < i, written by iteration j: flow distance i - j >= 1,
// carried by i. Within one i, x(i) -= ... for every j: carried by j.
// The band of i is i alone (statements outside j): sequential, carried_dependence.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void trisolv(int n) {
  weft::DistArray<double, 2> L({n, n});
  weft::DistArray<double, 1> x({n}), b({n});
  #pragma weft parallel_for ordered
  for (int i = 0; i < n; ++i) {
    x(i) = b(i);
    for (int j = 0; j < i; ++j)
      x(i) -= L(i, j) * x(j);
    x(i) = x(i) / L(i, i);
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
