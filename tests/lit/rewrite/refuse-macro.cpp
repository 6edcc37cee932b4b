// A loop written by a macro has no text of its own to replace: it stays sequential.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/weft.h>

#define FOR_EACH(i, n) for (int i = 0; i < (n); ++i)

float fill(int n) {
  weft::DistArray<float, 1> A({n});
  #pragma weft parallel_for // expected-warning {{loop kept sequential: the loop is written inside a macro (its verdict is data_parallel)}}
  FOR_EACH(i, n) A(i) = 1.0f;
  return A(0);
}
// CHECK: // weft: data_parallel, but kept sequential: the loop is written inside a macro
// CHECK-NEXT: // parallel_for)
// CHECK-NEXT: FOR_EACH(i, n) A(i) = 1.0f;
