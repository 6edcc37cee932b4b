// Edit distance: D(i, j) depends on D(i-1, j), D(i, j-1) and D(i-1, j-1), distances
// (1,0), (0,1), (1,1). The hyperplane i + j advances all three, so the anti-diagonals
// run one after the other with their cells in parallel; the skew [[1,1],[0,1]] is
// unimodular.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void edit_distance(const weft::DistArray<int, 1> &a, const weft::DistArray<int, 1> &b, int n, int m) {
  weft::DistArray<int, 2> D({n + 1, m + 1});
  #pragma weft parallel_for ordered
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= m; ++j) {
      int best = D(i - 1, j - 1) + (a(i - 1) == b(j - 1) ? 0 : 1);
      if (D(i - 1, j) + 1 < best)
        best = D(i - 1, j) + 1;
      if (D(i, j - 1) + 1 < best)
        best = D(i, j - 1) + 1;
      D(i, j) = best;
    }
}
// CHECK: "band": [
// CHECK-NEXT: "i",
// CHECK-NEXT: "j"
// CHECK: "carries_dependence": true,
// CHECK-NEXT: "name": "i"
// CHECK: "carries_dependence": true,
// CHECK-NEXT: "name": "j"
// CHECK: "skew": [
// CHECK-NEXT: [
// CHECK-NEXT: 1,
// CHECK-NEXT: 1
// CHECK-NEXT: ],
// CHECK-NEXT: [
// CHECK-NEXT: 0,
// CHECK-NEXT: 1
// CHECK: "verdict": "wavefront"
