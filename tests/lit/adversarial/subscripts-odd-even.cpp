// Unordered loop: iteration i writes A[2i + 1] and reads A[2i]. A write of iteration i
// and a read of iteration i' meet iff 2i + 1 = 2i', which has no integer solution (odd
// vs even), and two writes meet iff i = i'. No conflict: data parallel.
// RUN: %weftc --emit=model %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

// expected-no-diagnostics

void interleave(int n) {
  weft::DistArray<float, 1> A({2 * n + 2});
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    A(2 * i + 1) = A(2 * i) * 0.5f;
}
// CHECK: "dependences": [],
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "kept_sequential": "it writes rows of 'A' that no single key of the loop names (the first subscript must be a key, such as i)"
// CHECK: "proven": "data_parallel"
// CHECK: "verdict": "sequential"
