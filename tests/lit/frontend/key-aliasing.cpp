// Sparse keys: e.key[d] is the iteration's coordinate key<d>; local copies (and
// copies of copies, and affine functions of them) are replaced by their value.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>

void step(weft::SparseArray<float, 2> &R, weft::DistArray<float, 2> &W, int64_t K) {
  #pragma weft parallel_for
  for (const auto &e : R) {
    const int64_t u = e.key[0];
    int64_t i = e.key[1];
    const int64_t u2 = u, next = i + 1;
    W(u, 0) = W(u2, 1) + W(e.key[0], 2) + W(next, K - 1) + e.value;
  }
}

// The keys are bounded by the array's shape, a parameter.
// CHECK: params: [R_shape0, R_shape1, K]
// CHECK: iteration space: [R_shape0, R_shape1, K] -> { L[key0, key1] : 0 <= key0 < R_shape0 and 0 <= key1 < R_shape1 }
// CHECK: level 0 ({{.*}}:8:3): for e in sparse R dims [key[0], key[1]]
// CHECK: S3 ({{.*}}:12:5): W(u, 0) = W(u2, 1) + W(e.key[0], 2) + W(next, K - 1) + e.value
// CHECK: read W[key0, 1] `W(u2, 1)`
// CHECK-NEXT: read W[key0, 2] `W(e.key[0], 2)`
// CHECK-NEXT: read W[key1 + 1, K - 1] `W(next, K - 1)`
// CHECK-NEXT: read R[key0, key1] `e.value`
// CHECK-NEXT: write W[key0, 0] `W(u, 0)`
