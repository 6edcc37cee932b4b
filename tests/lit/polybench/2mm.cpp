// PolyBench 2mm, D := alpha * A * B * C + beta * D, as its two nests (tmp = alpha * A * B,
// then D = tmp * C + beta * D), each annotated.
//
// First nest: iteration i writes row i of tmp only and reads A and B, which are never
// written: i carries nothing. For one (i, j), tmp(i, j) is set and then updated for
// every k: k carries flow, anti and output dependences on tmp(i, j); j does not (each j
// has its own tmp(i, j)).
// Second nest: the same shape on D, reading tmp and C, which it does not write: i and j
// carry nothing, k carries the updates of D(i, j).
// Both loops are data parallel.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void two_mm(int ni, int nj, int nk, int nl, double alpha, double beta) {
  weft::DistArray<double, 2> A({ni, nk}), B({nk, nj}), C({nj, nl}), D({ni, nl});
  weft::DistArray<double, 2> tmp({ni, nj});
  #pragma weft parallel_for ordered
  for (int i = 0; i < ni; ++i)
    for (int j = 0; j < nj; ++j) {
      tmp(i, j) = 0.0;
      for (int k = 0; k < nk; ++k)
        tmp(i, j) += alpha * A(i, k) * B(k, j);
    }
  #pragma weft parallel_for ordered
  for (int i = 0; i < ni; ++i)
    for (int j = 0; j < nl; ++j) {
      D(i, j) *= beta;
      for (int k = 0; k < nj; ++k)
        D(i, j) += tmp(i, k) * C(k, j);
    }
}
// First loop.
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
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "verdict": "data_parallel"
// Second loop.
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
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "verdict": "data_parallel"
