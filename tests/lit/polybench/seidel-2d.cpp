// PolyBench seidel-2d, the time loop annotated: A(i, j) is replaced in place by the
// mean of its 3x3 neighbourhood, for every t, i, j (a perfect band t, i, j).
//
// A read of A(i' + a, j' + b) (a, b in {-1, 0, 1}) at (t', i', j') sees the write of
// iteration (t, i' + a, j' + b): of the same step when (i' + a, j' + b) comes before
// (i', j'), else of step t' - 1. The flow distances (t' - t, i' - i, j' - j) are
//   (0, 1, -1), (0, 1, 0), (0, 1, 1), (0, 0, 1)                (same step: a = -1, or
//                                                               a = 0 and b = -1)
//   (1, -1, -1), (1, -1, 0), (1, -1, 1), (1, 0, -1), (1, 0, 0)  (previous step)
// plus anti distances (d, a, b), d >= 1 (and d = 0 for (a, b) after (0, 0)), and output
// distances (d, 0, 0). So t, i and j each carry a dependence, and no partition exists
// ((1, 0, 0) differs in t, (0, 1, 0) in i, (0, 0, 1) in j).
// A hyperplane h with h . delta >= 1 for all of them needs
//   h_j >= 1 (from (0, 0, 1)),  h_i - h_j >= 1 (from (0, 1, -1)),
//   h_t - h_i - h_j >= 1 (from (1, -1, -1); the anti (d, -1, -1) give no more),
// so h_t >= 4, h_i >= 2, h_j >= 1: the lightest valid hyperplane is (4, 2, 1), which
// satisfies every distance above (the smallest product is 1). h_j = 1 completes it to
// the unimodular skew [[4, 2, 1], [1, 0, 0], [0, 1, 0]]: the right verdict is a
// wavefront over 4t + 2i + j.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void seidel_2d(int tsteps, int n) {
  weft::DistArray<double, 2> A({n, n});
  #pragma weft parallel_for ordered
  for (int t = 0; t < tsteps; ++t)
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        A(i, j) = (A(i - 1, j - 1) + A(i - 1, j) + A(i - 1, j + 1) + A(i, j - 1) + A(i, j) +
                   A(i, j + 1) + A(i + 1, j - 1) + A(i + 1, j) + A(i + 1, j + 1)) /
                  9.0;
}
// CHECK: "band": [
// CHECK-NEXT: "t",
// CHECK-NEXT: "i",
// CHECK-NEXT: "j"
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "t"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "kept_sequential": "the wavefront executor runs two perfectly nested counted loops; this band has 3 dims"
// CHECK: "proven": "wavefront"
// CHECK: "skew": [
// CHECK-NEXT: [
// CHECK-NEXT: 4,
// CHECK-NEXT: 2,
// CHECK-NEXT: 1
// CHECK-NEXT: ],
// CHECK-NEXT: [
// CHECK-NEXT: 1,
// CHECK-NEXT: 0,
// CHECK-NEXT: 0
// CHECK-NEXT: ],
// CHECK-NEXT: [
// CHECK-NEXT: 0,
// CHECK-NEXT: 1,
// CHECK-NEXT: 0
// CHECK-NEXT: ]
// CHECK-NEXT: ],
// CHECK: "verdict": "sequential"
