// A pointer parameter may point into an array of the loop: P(i) = q[i + 1] may then be
// a shift of P. (Two DistArray references of one type are assumed distinct and checked
// at run time instead: see rewrite/alias-guard.cpp.)
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void copy(weft::DistArray<float, 1> &P, const float *q, int n) {
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two names may refer to the same storage}} expected-note {{declare the arrays in this function}}
  for (int i = 0; i < n; ++i)
    P(i) = q[i + 1]; // expected-note {{iteration i writes P[i]}} expected-note {{that another iteration reads q[i + 1], and 'P' and 'q' may be the same storage}}
}
// CHECK: "reason": "may_alias"
