// Unordered loop with step 2: i takes the even values 0, 2, 4, ... below n, and
// iteration i copies A[i] into A[i + 1]. Writes land on odd elements, reads on even
// ones, and two writes meet only in one iteration: no element is shared by two
// iterations with one writing, so the loop is data parallel. Without the step's
// parity (i in [0, n) only), i + 1 = i' would make iteration i write what i + 1 reads.
// RUN: %weftc --emit=model %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

// expected-no-diagnostics

void duplicate_even(int n) {
  weft::DistArray<float, 1> A({n + 1});
  #pragma weft parallel_for
  for (int i = 0; i < n; i += 2)
    A(i + 1) = A(i);
}
// CHECK: "dependences": [],
// CHECK: "kept_sequential": "it writes rows of 'A' and steps by more than one; the executors partition the rows of written arrays by a loop that steps by one"
// CHECK: "proven": "data_parallel"
// CHECK: "verdict": "sequential"
