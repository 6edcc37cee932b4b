// Unordered loop that scatters through an index array: iteration i writes A[idx(i)].
// idx is data, so two iterations may name one element (idx(0) = idx(1) = 0): the
// subscript is not affine, the write may touch any element, and the loop stays
// sequential with reason unknown_subscript (its fix note asks for an affine subscript).
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void scatter(int n, int m) {
  weft::DistArray<float, 1> A({m}), x({n});
  weft::DistArray<int, 1> idx({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a subscript is not an affine expression, so the access may touch any element}} expected-note {{write the subscript as an affine expression of loop variables, sparse keys and loop-invariant integers}}
  for (int i = 0; i < n; ++i)
    A(idx(i)) = x(i); // expected-note {{iteration i writes A[idx(i)]}} expected-note {{that another iteration also writes}}
}
// CHECK: "kind": "conflict"
// CHECK: "reason": "unknown_subscript"
// CHECK: "verdict": "sequential"
