// A call to a function whose body weft cannot see may touch anything.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

float external(float);

void apply(int n) {
  weft::DistArray<float, 1> A({n}), x({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{define the function in this file, or keep the call out of the loop}}
  for (int i = 0; i < n; ++i)
    A(i) = external(x(i)); // expected-note {{'external' may have effects: its body is not visible}}
}
// CHECK: "detail": "'external' may have effects: its body is not visible"
// CHECK: "reason": "unknown_call"
