// A three-deep nest with sibling loops: levels know their parents, statements their
// enclosing levels, and positions give the 2d+1 source order.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>

void gemm(weft::DistArray<double, 2> &C, const weft::DistArray<double, 2> &A,
          const weft::DistArray<double, 2> &B, int ni, int nj, int nk) {
  #pragma weft parallel_for ordered
  for (int i = 0; i < ni; i++) {
    for (int j = 0; j < nj; j++)
      C(i, j) *= 0.5;
    for (int k = 0; k < nk; k++)
      for (int j = 0; j < nj; j++)
        C(i, j) += A(i, k) * B(k, j);
  }
}

// CHECK: level 0 ({{.*}}:9:3): for i in [0, ni - 1] step 1
// CHECK-NEXT: level 1 ({{.*}}:10:5): for j in [0, nj - 1] step 1, inside level 0
// CHECK-NEXT: level 2 ({{.*}}:12:5): for k in [0, nk - 1] step 1, inside level 0
// CHECK-NEXT: level 3 ({{.*}}:13:7): for j in [0, nj - 1] step 1, inside level 2
// CHECK: S0 ({{.*}}:11:7): C(i, j) *= 0.5
// CHECK-NEXT: domain: [ni, nj, nk] -> { S0[i, j] : 0 <= i and i <= ni - 1 and 0 <= j and j <= nj - 1 }
// CHECK-NEXT: position: [0, 1, 1]
// CHECK: S1 ({{.*}}:14:9): C(i, j) += A(i, k) * B(k, j)
// CHECK-NEXT: domain: [ni, nj, nk] -> { S1[i, k, j] : 0 <= i and i <= ni - 1 and 0 <= k and k <= nk - 1 and 0 <= j and j <= nj - 1 }
// CHECK-NEXT: position: [0, 2, 1, 1]
// CHECK-NEXT: read A[i, k]
// CHECK-NEXT: read B[k, j]
// CHECK-NEXT: read C[i, j]
// CHECK-NEXT: write C[i, j]
