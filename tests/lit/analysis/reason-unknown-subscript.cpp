// An indirect subscript may name any element: two iterations may update the same one.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>
#include <vector>

void histogram(int n, const std::vector<int> &idx) {
  weft::DistArray<float, 1> A({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a subscript is not an affine expression, so the access may touch any element}} expected-note {{write the subscript as an affine expression}}
  for (int i = 0; i < n; ++i)
    A(idx[i]) += 1; // expected-note {{iteration i writes A[idx[i]]}} expected-note {{that another iteration reads A[idx[i]]}}
}
// CHECK: "reason": "unknown_subscript"
