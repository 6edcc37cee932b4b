// Unordered loop copying the upper half of A into the lower half: A(i) = A(i + n) for
// 0 <= i < n. Writes touch [0, n), reads [n, 2n): they never meet for any n, though
// the distance n between A(i) and A(i + n) is a parameter. Data parallel.
// With i <= n instead, iteration n would write A(n), which iteration 0 reads.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

// expected-no-diagnostics

void fold(int n) {
  weft::DistArray<float, 1> A({2 * n + 1});
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    A(i) = A(i + n);
}
// CHECK: "dependences": [],
// CHECK: "verdict": "data_parallel"
