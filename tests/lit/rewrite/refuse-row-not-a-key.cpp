// data_parallel, but the loop writes A(2i + 1): no key of the loop names the row, so the
// executors could not give each process the rows it writes; the loop stays sequential.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/weft.h>

float odd(int n) {
  weft::DistArray<float, 1> A({2 * n + 2});
  #pragma weft parallel_for // expected-warning {{loop kept sequential: it writes rows of 'A' that no single key of the loop names (the first subscript must be a key, such as i) (its verdict is data_parallel)}}
  for (int i = 0; i < n; ++i)
    A(2 * i + 1) = A(2 * i) * 0.5f;
  return A(1);
}
// CHECK: // weft: data_parallel, but kept sequential: it writes rows of 'A'
// CHECK: for (int i = 0; i < n; ++i)
