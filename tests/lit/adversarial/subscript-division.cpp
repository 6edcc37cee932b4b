// Unordered loop writing A(i / 2): iterations 2k and 2k + 1 write the same element
// A(k), an output conflict. Integer division is not an affine subscript in weft's
// model, so the write may touch any element: sequential, reason unknown_subscript.
// (Treating i / 2 as if it were i would wrongly find no conflict.)
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void pairs(int n) {
  weft::DistArray<float, 1> A({n}), x({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a subscript is not an affine expression, so the access may touch any element}} expected-note {{write the subscript as an affine expression of loop variables, sparse keys and loop-invariant integers}}
  for (int i = 0; i < n; ++i)
    A(i / 2) = x(i); // expected-note {{iteration i writes A[i / 2]}} expected-note {{that another iteration also writes}}
}
// CHECK: "reason": "unknown_subscript"
// CHECK: "verdict": "sequential"
