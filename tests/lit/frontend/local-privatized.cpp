// Variables declared in the loop have one copy per iteration of the levels that
// enclose their declaration: their accesses carry those levels' dims.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>

void dots(weft::DistArray<float, 2> &A, weft::DistArray<float, 1> &out, int n, int k) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    float acc = 0;
    for (int j = 0; j < k; ++j) {
      const float a = A(i, j);
      acc += a * a;
    }
    out(i) = acc;
  }
}

// CHECK: array acc: scalar of float, rank 1, local (1 private dims)
// CHECK: array a: scalar of float, rank 2, local (2 private dims)
// CHECK: S0 ({{.*}}:9:5): float acc = 0;
// CHECK: write acc[i] `acc`
// CHECK: S1 ({{.*}}:11:7): const float a = A(i, j);
// CHECK: read A[i, j] `A(i, j)`
// CHECK-NEXT: write a[i, j] `a`
// CHECK: S2 ({{.*}}:12:7): acc += a * a
// CHECK: read a[i, j] `a`
// CHECK: read acc[i] (additive) `acc`
// CHECK-NEXT: write acc[i] (additive) `acc`
