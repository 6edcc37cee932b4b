// A call used as an lvalue: total() returns a reference to a static variable, and
// `total() += x` writes it in every iteration. The write lands in storage weft cannot
// name, and the callee uses a static: sequential, with both reasons.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

double &total() {
  static double t = 0.0;
  return t;
}

void sum(int n) {
  weft::DistArray<float, 1> x({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}} expected-note {{also: an expression may read or write memory weft cannot name}} expected-note {{write the expression with DistArray elements, locals and visible functions}}
  for (int i = 0; i < n; ++i)
    total() += x(i); // expected-note {{'total' may have effects: it uses the static variable 't'}} expected-note {{'total()' writes through the reference that 'total' returns}}
}
// CHECK: "reason": "unknown_call"
// CHECK: "reason": "unknown_effect"
// CHECK: "verdict": "sequential"
