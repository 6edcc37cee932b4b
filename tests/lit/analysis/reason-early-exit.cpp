// A break makes which iterations run depend on the data.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void until_negative(int n) {
  weft::DistArray<float, 1> A({n}), x({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: the loop may be left early, so which iterations run depends on the data}} expected-note {{let every iteration run to its end}}
  for (int i = 0; i < n; ++i) {
    if (x(i) < 0)
      break; // expected-note {{'break' leaves the loop}}
    A(i) = 1;
  }
}
// CHECK: "reason": "early_exit"
