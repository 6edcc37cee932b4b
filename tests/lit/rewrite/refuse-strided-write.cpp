// A loop with step 2 that writes A(i): the executor's index counts iterations, not rows,
// so it could not own the rows written; the loop stays sequential.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/weft.h>

float evens(int n) {
  weft::DistArray<float, 1> A({n + 1});
  #pragma weft parallel_for // expected-warning {{loop kept sequential: it writes rows of 'A' and steps by more than one; the executors partition the rows of written arrays by a loop that steps by one (its verdict is data_parallel)}}
  for (int i = 0; i < n; i += 2)
    A(i) = 1.0f;
  return A(0);
}
// CHECK: // weft: data_parallel, but kept sequential: it writes rows of 'A' and steps by more than one
// CHECK: for (int i = 0; i < n; i += 2)
