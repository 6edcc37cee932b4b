// A `break` of a wavefront's inner loop: the executor replaces both loops and runs the
// body as a lambda per (i, j), where the break would leave nothing (and would not
// compile). The rewrite keeps the loop sequential with a warning; a break of a loop
// nested in the body, or of a switch, stays inside the lambda and is rewritten.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

void edit_distance(int n, int m, int limit) {
  weft::DistArray<int, 2> D({n + 1, m + 1});
  #pragma weft parallel_for ordered // expected-warning {{loop kept sequential: 'break' leaves the loop around its body, and the executor runs the body as a lambda, once per iteration (its verdict is wavefront)}}
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= m; ++j) {
      int best = D(i - 1, j - 1) + 1;
      if (D(i - 1, j) + 1 < best)
        best = D(i - 1, j) + 1;
      if (j > limit)
        break;
      D(i, j) = best;
    }
}

void scale_rows(int n, int m) {
  weft::DistArray<float, 2> A({n, m});
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < m; ++j) {
      if (A(i, j) < 0.0f)
        break;
      A(i, j) *= 2.0f;
    }
    switch (i % 2) {
    case 0:
      A(i, 0) = 1.0f;
      break;
    default:
      break;
    }
  }
}
// CHECK:      // weft: wavefront, but kept sequential: 'break' leaves the loop around its body
// CHECK:      weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, n},
// CHECK:              break;
