// A `continue` written by a macro has no text of its own that the rewrite could make a
// `return` of the body's lambda: the loop stays sequential.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/weft.h>

#define SKIP_IF(c) if (c) continue

float fill(int n) {
  weft::DistArray<float, 1> A({n});
  #pragma weft parallel_for // expected-warning {{loop kept sequential: a 'continue' of the loop is written inside a macro, and the rewrite must make it a 'return' of the lambda that runs the body (its verdict is data_parallel)}}
  for (int i = 0; i < n; ++i) {
    SKIP_IF(i % 3 == 0);
    A(i) = 0.5f * static_cast<float>(i);
  }
  return A(1);
}
// CHECK: // weft: data_parallel, but kept sequential: a 'continue' of the loop is written inside a macro
// CHECK: SKIP_IF(i % 3 == 0);
// CHECK-NOT: weft::rt::
