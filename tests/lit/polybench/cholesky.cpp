// Cholesky decomposition in the style of PolyBench's cholesky: the lower triangle of A
// is replaced by L with A = L L^T, row by row.
//
// Row i reads rows j < i (A(j, k), A(j, j)), written by earlier iterations of i: flow
// carried by i.
//   j (j < i):        A(i, j) uses A(i, k) for k < j, finished by iteration k of j:
//                     carried by j.
//   its k (k < j):    A(i, j) -= ... for every k: carried by k.
//   second k (k < i): A(i, i) -= A(i, k)^2 for every k: carried by k.
// The band of i is i alone: sequential, carried_dependence.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <cmath>

void cholesky(int n) {
  weft::DistArray<double, 2> A({n, n});
  #pragma weft parallel_for ordered
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < i; ++j) {
      for (int k = 0; k < j; ++k)
        A(i, j) -= A(i, k) * A(j, k);
      A(i, j) /= A(j, j);
    }
    for (int k = 0; k < i; ++k)
      A(i, i) -= A(i, k) * A(i, k);
    A(i, i) = std::sqrt(A(i, i));
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
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "k"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "reason": "carried_dependence"
// CHECK: "verdict": "sequential"
