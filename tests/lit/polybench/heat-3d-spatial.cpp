// PolyBench heat-3d with the second spatial nest of each time step annotated (A from B;
// t is a parameter).
//
// The nest writes A(i, j, k) and reads only B, which it does not write: no element is
// touched by two iterations with one writing, so i, j and k carry nothing: data
// parallel.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void heat_3d(int tsteps, int n) {
  weft::DistArray<double, 3> A({n, n, n}), B({n, n, n});
  for (int t = 1; t <= tsteps; ++t) {
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        for (int k = 1; k < n - 1; ++k)
          B(i, j, k) = 0.125 * (A(i + 1, j, k) - 2.0 * A(i, j, k) + A(i - 1, j, k)) +
                       0.125 * (A(i, j + 1, k) - 2.0 * A(i, j, k) + A(i, j - 1, k)) +
                       0.125 * (A(i, j, k + 1) - 2.0 * A(i, j, k) + A(i, j, k - 1)) +
                       A(i, j, k);
    #pragma weft parallel_for ordered
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        for (int k = 1; k < n - 1; ++k)
          A(i, j, k) = 0.125 * (B(i + 1, j, k) - 2.0 * B(i, j, k) + B(i - 1, j, k)) +
                       0.125 * (B(i, j + 1, k) - 2.0 * B(i, j, k) + B(i, j - 1, k)) +
                       0.125 * (B(i, j, k + 1) - 2.0 * B(i, j, k) + B(i, j, k - 1)) +
                       B(i, j, k);
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
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "k"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "verdict": "data_parallel"
