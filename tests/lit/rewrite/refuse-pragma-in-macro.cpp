// A _Pragma written by a macro has no line of its own to turn into a comment, and the
// annotated range starts inside the macro: the loop stays as written, with a warning.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/weft.h>

#define PARALLEL _Pragma("weft parallel_for")

float fill(int n) {
  weft::DistArray<float, 1> A({n});
  PARALLEL // expected-warning {{loop kept sequential: the loop is written inside a macro (its verdict is data_parallel)}}
  for (int i = 0; i < n; ++i)
    A(i) = 1.0f;
  return A(0);
}
// CHECK:      {{^}}  PARALLEL //
// CHECK-NEXT: for (int i = 0; i < n; ++i)
// CHECK-NEXT:   A(i) = 1.0f;
