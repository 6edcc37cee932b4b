// The loop variable is declared before the loop, and code after the loop may use its
// final value: the rewrite keeps the loop.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/weft.h>

int fill(int n) {
  weft::DistArray<float, 1> A({n});
  int i;
  #pragma weft parallel_for // expected-warning {{loop kept sequential: its loop variable is not declared in the loop header (the value it has after the loop would change) (its verdict is data_parallel)}}
  for (i = 0; i < n; ++i)
    A(i) = 1.0f;
  return i;
}
// CHECK: // weft: data_parallel, but kept sequential: its loop variable is not declared in the loop
// CHECK: for (i = 0; i < n; ++i)
