// Iteration (i, j) reads what (i - 1, j + 1) wrote: distance (1, -1). The wavefront
// needs a skew, and the executor runs only dependences that point up and left, so the
// loop stays sequential.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/weft.h>

float relax(int n) {
  weft::DistArray<float, 2> A({n + 2, n + 2});
  #pragma weft parallel_for ordered // expected-warning {{loop kept sequential: a dependence of its wavefront does not point up and to the left by a bounded distance}}
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= n; ++j)
      A(i, j) = 0.5f * (A(i - 1, j + 1) + A(i, j - 1));
  return A(1, 1);
}
// CHECK: // weft: wavefront, but kept sequential: a dependence of its wavefront does not point up and
// CHECK: for (int i = 1; i <= n; ++i)
