// PolyBench mvt: x1 += A y1 and x2 += A^T y2, its two nests each annotated.
//
// First nest: iteration i updates only x1(i) and reads A and y1, never written: i
// carries nothing. Within one i, x1(i) is updated for every j: j carries.
// Second nest: x2(i) += A(j, i) * y2(j): the same, with A read transposed; A is still
// only read, so the transposed subscript creates no dependence.
// Both loops are data parallel.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void mvt(int n) {
  weft::DistArray<double, 2> A({n, n});
  weft::DistArray<double, 1> x1({n}), x2({n}), y1({n}), y2({n});
  #pragma weft parallel_for ordered
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      x1(i) += A(i, j) * y1(j);
  #pragma weft parallel_for ordered
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      x2(i) += A(j, i) * y2(j);
}
// First loop.
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "verdict": "data_parallel"
// Second loop.
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "verdict": "data_parallel"
