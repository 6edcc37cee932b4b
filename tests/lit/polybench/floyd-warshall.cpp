// PolyBench floyd-warshall, the k loop annotated.
//
// (k, i, j) reads path(i, j), path(i, k), path(k, j) and writes path(i, j).
//   k: (k + 1, i, j) reads the path(i, j) that (k, i, j) wrote: carried.
//   i: path(k, j) is written by (k, k, j) and read by every (k, i, j): flow for i > k,
//      anti for i < k (distance (0, |i - k|, 0)): carried.
//   j: likewise path(i, k) is written by (k, i, k) and read by every (k, i, j): carried.
// No partition: dependences differ in i ((0, d, 0)) and in j ((0, 0, d)). No
// wavefront: path(k, j) is read at (k, i, j) for every i and written again at
// (k', k, j) for every later k', an anti dependence of distance (k' - k, k - i, 0)
// whose middle component takes every value in (-n, n); h . delta >= 1 for all of them
// forces h_i = 0, and then (0, d, 0) gives h . delta = 0. Sequential,
// carried_dependence.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void floyd_warshall(int n) {
  weft::DistArray<int, 2> path({n, n});
  #pragma weft parallel_for ordered
  for (int k = 0; k < n; ++k)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        path(i, j) = path(i, j) < path(i, k) + path(k, j) ? path(i, j)
                                                          : path(i, k) + path(k, j);
}
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "k"
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
// CHECK: "reason": "carried_dependence"
// CHECK: "verdict": "sequential"
