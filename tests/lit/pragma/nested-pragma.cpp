// An annotated loop inside another annotated loop that runs in parallel is ignored with
// a remark: the outer loop's executor runs it as written in each of its iterations, and
// its pragma becomes a comment (in the loop as written that runs without a session
// too). Not an error.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: FileCheck %s < %t.cpp
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

void clear(weft::DistArray<float, 2> &A, int n, int m) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    #pragma weft parallel_for // expected-remark {{annotated loop ignored: the enclosing annotated loop runs in parallel}}
    for (int j = 0; j < m; ++j)
      A(i, j) = 0;
  }
}
// CHECK: weft::rt::data_parallel(
// CHECK: // weft: ignored: the enclosing annotated loop runs in parallel (was: #pragma weft parallel_for)
// CHECK-NEXT: for (int j = 0; j < m; ++j)
// CHECK: else
// CHECK-NEXT: for (int i = 0; i < n; ++i) {
// CHECK-NEXT: // #pragma weft parallel_for
// CHECK-NEXT: for (int j = 0; j < m; ++j)
