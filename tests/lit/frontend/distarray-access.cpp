// DistArray accesses A(i, j): reads and writes with affine subscripts, in evaluation
// order (right-hand side first, then the read and write of a compound assignment).
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>

void scale(weft::DistArray<float, 2> &A, const weft::DistArray<float, 2> &B, int n, int m) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j)
      A(i, j) += 2 * B(i + 1, j - 1);
}

// CHECK: 1 annotated loop
// CHECK: params: [n, m]
// CHECK: level 0 ({{.*}}:8:3): for i in [0, n - 1] step 1
// CHECK-NEXT: level 1 ({{.*}}:9:5): for j in [0, m - 1] step 1, inside level 0
// Two reference parameters may name the same array.
// CHECK: array B: DistArray of float, rank 2, may alias
// CHECK: array A: DistArray of float, rank 2, may alias
// CHECK: S0 ({{.*}}:10:7): A(i, j) += 2 * B(i + 1, j - 1)
// CHECK-NEXT: domain: [n, m] -> { S0[i, j] : 0 <= i and i <= n - 1 and 0 <= j and j <= m - 1 }
// CHECK-NEXT: position: [0, 1, 1]
// CHECK-NEXT: read B[i + 1, j - 1] `B(i + 1, j - 1)` at {{.*}}:10:22
// CHECK-NEXT: read A[i, j] (additive) `A(i, j)` at {{.*}}:10:7
// CHECK-NEXT: write A[i, j] (additive) `A(i, j)` at {{.*}}:10:7
// CHECK-NOT: S1
