// Two reference parameters may be one array: P(i) = Q(i + 1) may then be a shift.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void copy(weft::DistArray<float, 1> &P, const weft::DistArray<float, 1> &Q, int n) {
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two names may refer to the same storage}} expected-note {{declare the arrays in this function}}
  for (int i = 0; i < n; ++i)
    P(i) = Q(i + 1); // expected-note {{iteration i writes P[i]}} expected-note {{that another iteration reads Q[i + 1], and 'P' and 'Q' may be the same storage}}
}
// CHECK: "reason": "may_alias"
