// PolyBench floyd-warshall with the (i, j) nest of one k annotated (k is a parameter).
//
// For a fixed k, path(k, j) is written only by (k, j) and read by every (i, j):
//   distance (i - k, 0) for i > k (flow), (k - i, 0) for i < k (anti);
// path(i, k) is written only by (i, k) and read by every (i, j):
//   distance (0, j - k) for j > k (flow), (0, k - j) for j < k (anti);
// path(i, j) is otherwise read and written by (i, j) alone. So the distances are
// (d, 0) and (0, d), d >= 1: i and j carry, no partition, and h = (1, 1) gives d >= 1
// for both while (1, 0) and (0, 1) each leave one family at 0: wavefront over i + j,
// skew [[1, 1], [0, 1]].
// (That the k-th row and column do not change in step k is a property of min and of
// path(k, k) >= 0, which a dependence analysis does not use.)
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void floyd_warshall(int n) {
  weft::DistArray<int, 2> path({n, n});
  for (int k = 0; k < n; ++k) {
    #pragma weft parallel_for ordered
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        path(i, j) = path(i, j) < path(i, k) + path(k, j) ? path(i, j)
                                                          : path(i, k) + path(k, j);
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
// CHECK: "kept_sequential": "its dependences reach an unbounded number of columns (the wavefront executor exchanges halos of a fixed width)"
// CHECK: "proven": "wavefront"
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
// CHECK: "verdict": "sequential"
