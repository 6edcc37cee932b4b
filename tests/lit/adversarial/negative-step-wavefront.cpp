// Ordered nest whose outer loop runs downwards:
//   for i = n - 2 down to 0: for j = 1 .. m - 1: A(i, j) = A(i + 1, j) + A(i, j - 1).
// A(i + 1, j) was written by iteration (i + 1, j), which ran earlier (i decreases): a
// flow of distance (-1, 0) in loop-variable values. A(i, j - 1) was written by
// (i, j - 1): a flow of distance (0, 1). Each element is written once and read only
// after that, so there is no anti or output dependence. i and j both carry; no
// partition. A hyperplane h needs -h_i >= 1 and h_j >= 1: h = (-1, 1) is the lightest,
// giving 1 on both. The right verdict is a wavefront over j - i with skew
// [[-1, 1], [0, 1]].
// The executor runs it with the rows in descending order (Order::Descending).
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void sweep_up(int n, int m) {
  weft::DistArray<float, 2> A({n, m});
  #pragma weft parallel_for ordered
  for (int i = n - 2; i >= 0; --i)
    for (int j = 1; j < m; ++j)
      A(i, j) = A(i + 1, j) + A(i, j - 1);
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
// CHECK-NEXT: -1,
// CHECK-NEXT: 1
// CHECK-NEXT: ],
// CHECK-NEXT: [
// CHECK-NEXT: 0,
// CHECK-NEXT: 1
// CHECK-NEXT: ]
// CHECK-NEXT: ],
// CHECK: "verdict": "wavefront"
