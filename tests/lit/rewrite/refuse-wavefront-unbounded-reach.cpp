// Iteration (i, j) reads what (i - 1, n - j) wrote: every dependence advances i, but
// its column distance 2j - n grows with n, and the wavefront executor exchanges halos
// of a fixed width, so the loop stays sequential.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/weft.h>

float mirror(int n) {
  weft::DistArray<float, 2> A({n + 2, n + 2});
  #pragma weft parallel_for ordered // expected-warning {{loop kept sequential: its dependences reach an unbounded number of columns}}
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= n; ++j)
      A(i, j) = 0.5f * A(i - 1, n - j);
  return A(1, 1);
}
// CHECK: // weft: wavefront, but kept sequential: its dependences reach an unbounded number of columns
// CHECK: for (int i = 1; i <= n; ++i)
