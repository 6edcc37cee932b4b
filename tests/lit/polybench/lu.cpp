// PolyBench lu: in-place LU decomposition without pivoting, row by row.
//
// Row i is computed from the rows k < i (A(k, j) for k < i), which earlier iterations
// of i wrote: flow carried by i.
//   first j (j < i):   A(i, j) uses A(i, k) for k < j, which iteration k of this j loop
//                      finished (A(i, k) /= A(k, k)): flow carried by j.
//   its k (k < j):     A(i, j) -= ... for every k: carried by k.
//   second j (j >= i): A(i, j) reads A(i, k) (k < i) and A(k, j) (k < i), never an
//                      element A(i, j') with j' >= i that this loop writes: nothing
//                      carried.
//   its k (k < i):     A(i, j) -= ... for every k: carried by k.
// The band of i is i alone (two j loops inside): sequential, carried_dependence.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void lu(int n) {
  weft::DistArray<double, 2> A({n, n});
  #pragma weft parallel_for ordered
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < i; ++j) {
      for (int k = 0; k < j; ++k)
        A(i, j) -= A(i, k) * A(k, j);
      A(i, j) /= A(j, j);
    }
    for (int j = i; j < n; ++j)
      for (int k = 0; k < i; ++k)
        A(i, j) -= A(i, k) * A(k, j);
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
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "k"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "k"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "reason": "carried_dependence"
// CHECK: "verdict": "sequential"
