// Control for refuse-array-name-hidden-before-loop.cpp: the loop writes the inner W,
// which hides the outer one (and a parameter W of a lambda hides the function's): the
// names before the loop denote the arrays the loop uses, and the loops are rewritten.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

double run(int n) {
  weft::DistArray<double, 1> W({n});
  double s = 0;
  {
    weft::DistArray<double, 1> W({n});
    #pragma weft parallel_for
    for (int i = 0; i < n; ++i)
      W(i) = W(i) * 2.0 + 1.0;
    s += W(0);
  }
  auto scale = [](weft::DistArray<double, 1> &W, int m) {
    #pragma weft parallel_for
    for (int i = 0; i < m; ++i)
      W(i) = W(i) * 3.0;
  };
  scale(W, n);
  return s + W(0);
}
// CHECK:      // weft: data_parallel: no iteration touches an element that another iteration writes
// CHECK-NEXT: if (weft::rt::has_session()) weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, n},
// CHECK-NEXT:     weft::rt::Footprint().write(W, 0),
// CHECK:      // weft: data_parallel: no iteration touches an element that another iteration writes
// CHECK-NEXT: if (weft::rt::has_session()) weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, m},
// CHECK-NEXT:     weft::rt::Footprint().write(W, 0),
