// PolyBench gemm, C := alpha * A * B + beta * C, in PolyBench 4's loop order (i, k, j).
//
// Iteration i of the annotated loop reads and writes only row i of C (C(i, j) for every
// j) and reads A and B, which nothing writes: no two iterations of i touch one element
// that either writes, so i carries nothing and the loop is data parallel.
//   j (scaling):  C(i, j) *= beta touches one element per j: nothing carried.
//   k:            C(i, j) is updated for every k, so iterations k and k' > k of one i
//                 update the same C(i, j): flow, anti and output with distance k' - k.
//   j (update):   within one (i, k) each j updates its own C(i, j): nothing carried.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void gemm(int ni, int nj, int nk, double alpha, double beta) {
  weft::DistArray<double, 2> A({ni, nk}), B({nk, nj}), C({ni, nj});
  #pragma weft parallel_for ordered
  for (int i = 0; i < ni; ++i) {
    for (int j = 0; j < nj; ++j)
      C(i, j) *= beta;
    for (int k = 0; k < nk; ++k)
      for (int j = 0; j < nj; ++j)
        C(i, j) += alpha * A(i, k) * B(k, j);
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
// CHECK: "reasons": [],
// CHECK: "verdict": "data_parallel"
