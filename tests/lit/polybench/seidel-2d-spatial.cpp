// PolyBench seidel-2d with one time step's (i, j) nest annotated (t is a parameter).
//
// Within a step, a read of A(i + a, j + b) (a, b in {-1, 0, 1}) at (i', j') sees the
// value written at (i' + a, j' + b) when that comes first (flow, distance (-a, -b)),
// and is followed by that write otherwise (anti, distance (a, b)). Every element is
// written once per step, so there is no output dependence. The non-zero distances are
//   (0, 1), (1, -1), (1, 0), (1, 1).
// i and j both carry ((1, 0) and (0, 1)); no partition. A hyperplane h needs
// h_j >= 1 and h_i - h_j >= 1, so h_i >= 2: (2, 1) is the lightest, with
// (0, 1) -> 1, (1, -1) -> 1, (1, 0) -> 2, (1, 1) -> 3. Its unit coefficient is h_j, so
// the skew is [[2, 1], [1, 0]] (determinant -1): wavefront over 2i + j, which the
// executor runs with a skew of one column (the distance (1, -1)).
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void seidel_2d(int tsteps, int n) {
  weft::DistArray<double, 2> A({n, n});
  for (int t = 0; t < tsteps; ++t) {
    #pragma weft parallel_for ordered
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        A(i, j) = (A(i - 1, j - 1) + A(i - 1, j) + A(i - 1, j + 1) + A(i, j - 1) + A(i, j) +
                   A(i, j + 1) + A(i + 1, j - 1) + A(i + 1, j) + A(i + 1, j + 1)) /
                  9.0;
  }
}
// CHECK: "band": [
// CHECK-NEXT: "i",
// CHECK-NEXT: "j"
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK-NOT: "kept_sequential"
// CHECK: "proven": "wavefront"
// CHECK: "skew": [
// CHECK-NEXT: [
// CHECK-NEXT: 2,
// CHECK-NEXT: 1
// CHECK-NEXT: ],
// CHECK-NEXT: [
// CHECK-NEXT: 1,
// CHECK-NEXT: 0
// CHECK-NEXT: ]
// CHECK-NEXT: ],
// CHECK: "verdict": "wavefront"
