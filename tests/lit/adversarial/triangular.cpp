// Ordered triangular nest, for i: for j <= i: A(i, j) += A(j, j).
// Iteration (i, j) writes A(i, j) and reads A(i, j) and the diagonal element A(j, j).
// A(j, j) is written only by iteration (j, j) (the row i = j, the last j of that row),
// and read by every (i, j) with i > j: a flow of distance (i - j, 0), i - j >= 1. Those
// reads come after the write, so there is no anti dependence, and A(i, j) for i > j is
// otherwise touched by (i, j) alone. So i carries a dependence and j does not (within one i,
// iteration (i, j) reads A(j, j), j < i, which a different row wrote, and (i, i) reads
// only what it writes). Every dependence keeps j, so the iterations are partitioned by
// the column j, each column running its rows in order: partition_1d on j.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void column_shift(int n) {
  weft::DistArray<double, 2> A({n, n});
  #pragma weft parallel_for ordered
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j)
      A(i, j) += A(j, j);
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
