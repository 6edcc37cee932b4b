// PolyBench fdtd-2d with the hz nest of each time step annotated (t is a parameter).
//
// hz(i, j) is rewritten from its own old value and ex(i, j + 1), ex(i, j), ey(i + 1, j),
// ey(i, j). The only written array is hz, and iteration (i, j) touches only hz(i, j):
// i and j carry nothing, data parallel.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void fdtd_2d(int tmax, int nx, int ny) {
  weft::DistArray<double, 2> ex({nx, ny}), ey({nx, ny}), hz({nx, ny});
  weft::DistArray<double, 1> fict({tmax});
  for (int t = 0; t < tmax; ++t) {
    for (int j = 0; j < ny; ++j)
      ey(0, j) = fict(t);
    for (int i = 1; i < nx; ++i)
      for (int j = 0; j < ny; ++j)
        ey(i, j) = ey(i, j) - 0.5 * (hz(i, j) - hz(i - 1, j));
    for (int i = 0; i < nx; ++i)
      for (int j = 1; j < ny; ++j)
        ex(i, j) = ex(i, j) - 0.5 * (hz(i, j) - hz(i, j - 1));
    #pragma weft parallel_for ordered
    for (int i = 0; i < nx - 1; ++i)
      for (int j = 0; j < ny - 1; ++j)
        hz(i, j) = hz(i, j) - 0.7 * (ex(i, j + 1) - ex(i, j) + ey(i + 1, j) - ey(i, j));
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
