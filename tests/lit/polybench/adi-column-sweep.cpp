// The column sweep of an adi time step (see adi.cpp), annotated: a forward elimination
// down every column j.
//
// (i, j) reads X(i - 1, j) and B(i - 1, j), written by (i - 1, j), and rewrites X(i, j)
// and B(i, j) from their own old values: every dependence has distance (1, 0). i
// carries, j does not. Every dependence stays within one column, so partitioning the
// iterations by j (each part running its i in order) keeps all of them:
// partition_1d on j.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void column_sweep(int n) {
  weft::DistArray<double, 2> A({n, n}), B({n, n}), X({n, n});
  #pragma weft parallel_for ordered
  for (int i = 1; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      X(i, j) = X(i, j) - X(i - 1, j) * A(i, j) / B(i - 1, j);
      B(i, j) = B(i, j) - A(i, j) * A(i, j) / B(i - 1, j);
    }
}
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "kept_sequential": "partitioning by j, a loop nested in the annotated one, needs an interchange the rewrite does not make"
// CHECK: "partition_dim": "j"
// CHECK: "proven": "partition_1d"
// CHECK: "verdict": "sequential"
