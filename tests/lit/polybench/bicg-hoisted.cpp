// PolyBench bicg with both q and s cleared before the nest, so that (i, j) is a perfect
// band.
//
// s(j) += r(i) * A(i, j): iterations (i, j) and (i', j), i' > i, update one element:
//   distance (i' - i, 0), i' - i >= 1 (flow, anti and output).
// q(i) += A(i, j) * p(j): iterations (i, j) and (i, j'), j' > j:
//   distance (0, j' - j), j' - j >= 1.
// Both levels carry a dependence. No partition: the s dependences differ in i, the q
// dependences in j. The hyperplane h = (1, 1) gives h . (d, 0) = d >= 1 and
// h . (0, d) = d >= 1, and no hyperplane of smaller weight works ((1, 0) and (0, 1) each
// leave one family at 0): wavefront over i + j, skew [[1, 1], [0, 1]] (determinant 1).
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void bicg(int m, int n) {
  weft::DistArray<double, 2> A({n, m});
  weft::DistArray<double, 1> s({m}), q({n}), p({m}), r({n});
  for (int j = 0; j < m; ++j)
    s(j) = 0.0;
  for (int i = 0; i < n; ++i)
    q(i) = 0.0;
  #pragma weft parallel_for ordered
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) {
      s(j) += r(i) * A(i, j);
      q(i) += A(i, j) * p(j);
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
// CHECK: "kept_sequential": "it writes rows of 's' that no single key of the loop names (the first subscript must be a key, such as i)"
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
