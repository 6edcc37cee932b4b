// PolyBench fdtd-2d, the time loop annotated.
//
// Step t sets the first row of ey from fict(t), updates ey from hz (rows i and i - 1),
// ex from hz (columns j and j - 1), then hz from ex and ey. Step t + 1 reads the hz of
// step t and the ex, ey it wrote: t carries dependences.
// Within a step, every nest writes one array and reads the others (and, in place, only
// the element it writes): ey(0, j), ey(i, j) from hz(i, j) and hz(i - 1, j), ex(i, j)
// from hz(i, j) and hz(i, j - 1), hz(i, j) from ex and ey. No level of any inner nest
// carries a dependence. The band of t is t alone: sequential, carried_dependence.
// fdtd-2d-spatial.cpp annotates the hz nest instead.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void fdtd_2d(int tmax, int nx, int ny) {
  weft::DistArray<double, 2> ex({nx, ny}), ey({nx, ny}), hz({nx, ny});
  weft::DistArray<double, 1> fict({tmax});
  #pragma weft parallel_for ordered
  for (int t = 0; t < tmax; ++t) {
    for (int j = 0; j < ny; ++j)
      ey(0, j) = fict(t);
    for (int i = 1; i < nx; ++i)
      for (int j = 0; j < ny; ++j)
        ey(i, j) = ey(i, j) - 0.5 * (hz(i, j) - hz(i - 1, j));
    for (int i = 0; i < nx; ++i)
      for (int j = 1; j < ny; ++j)
        ex(i, j) = ex(i, j) - 0.5 * (hz(i, j) - hz(i, j - 1));
    for (int i = 0; i < nx - 1; ++i)
      for (int j = 0; j < ny - 1; ++j)
        hz(i, j) = hz(i, j) - 0.7 * (ex(i, j + 1) - ex(i, j) + ey(i + 1, j) - ey(i, j));
  }
}
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "t"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: },
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
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "reason": "carried_dependence"
// CHECK: "verdict": "sequential"
