// PolyBench syrk: C := alpha * A * A^T + beta * C on the lower triangle (j <= i).
//
// Iteration i touches row i of C only, and reads A, which nothing writes: i carries
// nothing. The scaling j loop touches one C(i, j) per j; k updates every C(i, j), j <= i,
// once per k: carried by k; the inner j loop updates one element per j.
// Data parallel, with the triangular bound j <= i changing none of this.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void syrk(int n, int m, double alpha, double beta) {
  weft::DistArray<double, 2> A({n, m}), C({n, n});
  #pragma weft parallel_for ordered
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j <= i; ++j)
      C(i, j) *= beta;
    for (int k = 0; k < m; ++k)
      for (int j = 0; j <= i; ++j)
        C(i, j) += alpha * A(i, k) * A(j, k);
  }
}
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "k"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "verdict": "data_parallel"
