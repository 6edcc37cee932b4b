// PolyBench jacobi-2d with the first spatial nest of each time step annotated (t is a
// parameter of the annotated loop).
//
// The nest writes B(i, j) and reads only A, which it never writes: no two iterations
// touch an element that one of them writes, so neither i nor j carries a dependence:
// data parallel.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void jacobi_2d(int tsteps, int n) {
  weft::DistArray<double, 2> A({n, n}), B({n, n});
  for (int t = 0; t < tsteps; ++t) {
    #pragma weft parallel_for ordered
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        B(i, j) = 0.2 * (A(i, j) + A(i, j - 1) + A(i, j + 1) + A(i + 1, j) + A(i - 1, j));
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        A(i, j) = 0.2 * (B(i, j) + B(i, j - 1) + B(i, j + 1) + B(i + 1, j) + B(i - 1, j));
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
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "verdict": "data_parallel"
