// Ordered nest whose inner loop runs downwards:
//   for i = 1 .. n - 1: for j = m - 2 down to 0: A(i, j) = A(i - 1, j + 1) + A(i, j + 1).
// A(i - 1, j + 1) was written by (i - 1, j + 1) in the previous row: flow distance
// (1, -1) in loop-variable values. A(i, j + 1) was written by (i, j + 1), which ran
// just before (i, j) since j decreases: flow distance (0, -1). Each element is written
// once, before every read of it, so there is no anti or output dependence. i and j
// both carry; no partition. A hyperplane h needs h_i - h_j >= 1 and -h_j >= 1:
// h = (0, -1) gives 1 on both and has weight 1: the columns j run one after another,
// from m - 2 down, with all rows i of a column at once. Its unit coefficient is h_j,
// so the skew is [[0, -1], [1, 0]] (determinant 1): a wavefront.
// The executor runs it with the columns in descending order (Order::Descending).
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void sweep_left(int n, int m) {
  weft::DistArray<float, 2> A({n, m});
  #pragma weft parallel_for ordered
  for (int i = 1; i < n; ++i)
    for (int j = m - 2; j >= 0; --j)
      A(i, j) = A(i - 1, j + 1) + A(i, j + 1);
}
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
// CHECK-NEXT: 0,
// CHECK-NEXT: -1
// CHECK-NEXT: ],
// CHECK-NEXT: [
// CHECK-NEXT: 1,
// CHECK-NEXT: 0
// CHECK-NEXT: ]
// CHECK-NEXT: ],
// CHECK: "verdict": "wavefront"
