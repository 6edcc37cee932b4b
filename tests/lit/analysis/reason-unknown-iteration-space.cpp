// A loop whose increment is not a constant step has no affine iteration space.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void powers(int n) {
  weft::DistArray<float, 1> A({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: the iterations of the loop are not known}}
  for (int i = 1; i < n; i = i * 2) // expected-note {{the increment 'i = i * 2' does not add a non-zero constant to 'i'}}
    A(i) = 1;
}
// CHECK: "reason": "unknown_iteration_space"
