// RNA folding in the style of PolyBench's nussinov: T(i, j) is the best score of the
// subsequence i..j, computed for i from n - 1 down to 0 and j from i + 1 up (the bound
// checks of PolyBench's version always hold in this range and are left out).
//
// Cell (i, j) is written only by iteration (i, j) and reads T(i, j - 1), T(i + 1, j),
// T(i + 1, j - 1), T(i, k) and T(k + 1, j) for i < k < j. All of these cells were
// written earlier in the execution, which runs i downwards: the dependences are flows,
// with distances (sink minus source, in loop-variable values)
//   (0, 1) and (0, j - k)    from T(i, j - 1), T(i, k): same i, larger j
//   (-1, 0) and (i - k - 1, 0)  from T(i + 1, j), T(k + 1, j): smaller i, same j
//   (-1, 1)                  from T(i + 1, j - 1)
// and the k loop carries the updates of T(i, j). So i, j and k each carry a dependence.
// No partition (both i and j differ). The band is (i, j) (the k loop does not hold every
// statement). A hyperplane needs h_j >= 1 (from (0, 1)) and -h_i >= 1 (from (-1, 0)):
// h = (-1, 1), giving 1, 1 and 2 on the three families, is the lightest: the
// anti-diagonals j - i = const run one after another. The right verdict is a wavefront
// with skew [[-1, 1], [0, 1]] (determinant -1).
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>
#include <algorithm>

void nussinov(int n) {
  weft::DistArray<int, 1> seq({n});
  weft::DistArray<int, 2> T({n + 1, n + 1});
  #pragma weft parallel_for ordered
  for (int i = n - 1; i >= 0; --i)
    for (int j = i + 1; j < n; ++j) {
      T(i, j) = std::max(T(i, j - 1), T(i + 1, j));
      T(i, j) = std::max(T(i, j), T(i + 1, j - 1) + (seq(i) + seq(j) == 3 ? 1 : 0));
      for (int k = i + 1; k < j; ++k)
        T(i, j) = std::max(T(i, j), T(i, k) + T(k + 1, j));
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
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": true,
// CHECK-NEXT: "name": "k"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "kept_sequential": "its dependences reach an unbounded number of columns (the wavefront executor exchanges halos of a fixed width)"
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
// CHECK: "verdict": "sequential"
