// A loop body without braces that ends with a block of its own (a nested loop, an
// if/else) ends at that block's '}', not at a ';': the rewrite runs it and closes the
// lambda after the '}'.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
// expected-no-diagnostics
#include <weft/weft.h>

void scale(int n, int m) {
  weft::DistArray<double, 2> A({n, m}), B({n, m});
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) {
      A(i, j) = 2.0 * B(i, j);
    }
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    if (B(i, 0) > 0.0) {
      A(i, 0) = 1.0;
    } else {
      A(i, 0) = -1.0;
    }
}
// CHECK:      weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, n},
// CHECK-NEXT:     weft::rt::Footprint().write(A, 0).read(B, 0),
// CHECK-NEXT:     [&, m](int i) {{[{]}} for (int j = 0; j < m; ++j) {
// CHECK-NEXT:       A(i, j) = 2.0 * B(i, j);
// CHECK-NEXT:     } });
// CHECK:      weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, n},
// CHECK-NEXT:     weft::rt::Footprint().write(A, 0).read(B, 0),
// CHECK-NEXT:     [&](int i) {{[{]}} if (B(i, 0) > 0.0) {
// CHECK:          } else {
// CHECK-NEXT:       A(i, 0) = -1.0;
// CHECK-NEXT:     } });
