// Unordered triangular nest that mirrors the upper triangle into the lower one:
// for i: for j <= i: A(i, j) = A(j, i).
// Iteration i writes A(i, j) for j <= i (on or below the diagonal) and reads A(j, i)
// for j <= i (on or above it). A write of iteration i and a read of iteration i' meet
// iff (i, j) = (j', i') with j <= i and j' <= i', i.e. i' = j <= i = j' <= i', so
// i = i': only the diagonal, within one iteration. Writes of different i are in
// different rows. No conflict: data parallel; over the full square (j < n) iterations
// i and j would conflict. Inside one i, each j writes its own A(i, j), and the one
// element a j reads that another j writes would be A(i, i), read and written by j = i
// alone: j carries nothing either.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

// expected-no-diagnostics

void mirror_lower(int n) {
  weft::DistArray<double, 2> A({n, n});
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j)
      A(i, j) = A(j, i);
}
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "j"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "verdict": "data_parallel"
