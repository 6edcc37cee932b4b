// Unordered loop with step -2 from n - 1: i takes the values n - 1, n - 3, ... >= 0,
// all congruent to n - 1 modulo 2. Iteration i copies A[i] into A[i + 1]: reads land on
// elements congruent to n - 1, writes on elements congruent to n, so reads and writes
// never meet, whatever the parity of n: data parallel.
// RUN: %weftc --emit=model %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

// expected-no-diagnostics

void duplicate_down(int n) {
  weft::DistArray<float, 1> A({n + 1});
  #pragma weft parallel_for
  for (int i = n - 1; i >= 0; i -= 2)
    A(i + 1) = A(i);
}
// CHECK: "dependences": [],
// CHECK: "kept_sequential": "it writes rows of 'A' and steps by more than one; the executors partition the rows of written arrays by a loop that steps by one"
// CHECK: "proven": "data_parallel"
// CHECK: "verdict": "sequential"
