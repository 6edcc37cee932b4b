// Smith-Waterman local alignment with affine gap penalties (Gotoh): a wavefront DP.
//   E(i, j) = max(E(i, j - 1) - extend, H(i, j - 1) - open)    gap in a
//   F(i, j) = max(F(i - 1, j) - extend, H(i - 1, j) - open)    gap in b
//   H(i, j) = max(0, H(i - 1, j - 1) + s(a_i, b_j), E(i, j), F(i, j))
// Every cell is written once, by iteration (i, j); the reads give flow distances
// (0, 1) (E, H of the left cell), (1, 0) (F, H of the upper cell) and (1, 1) (the
// diagonal), plus (0, 0) inside one iteration. i and j carry; no partition; h = (1, 1)
// advances all three (1, 1, 2) and the weight-1 hyperplanes do not: wavefront with skew
// [[1, 1], [0, 1]].
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>
#include <algorithm>

void smith_waterman(int n, int m, int open, int extend) {
  weft::DistArray<int, 1> a({n + 1}), b({m + 1});
  weft::DistArray<int, 2> H({n + 1, m + 1}), E({n + 1, m + 1}), F({n + 1, m + 1});
  #pragma weft parallel_for ordered
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= m; ++j) {
      E(i, j) = std::max(E(i, j - 1) - extend, H(i, j - 1) - open);
      F(i, j) = std::max(F(i - 1, j) - extend, H(i - 1, j) - open);
      const int diagonal = H(i - 1, j - 1) + (a(i) == b(j) ? 2 : -1);
      H(i, j) = std::max(std::max(0, diagonal), std::max(E(i, j), F(i, j)));
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
// CHECK: "skew": [
// CHECK-NEXT: [
// CHECK-NEXT: 1,
// CHECK-NEXT: 1
// CHECK-NEXT: ],
// CHECK-NEXT: [
// CHECK-NEXT: 0,
// CHECK-NEXT: 1
// CHECK-NEXT: ]
// CHECK-NEXT: ],
// CHECK: "verdict": "wavefront"
