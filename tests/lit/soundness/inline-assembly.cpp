// Inline assembly may read and write any memory: an unknown effect, sequential.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void copy(int n) {
  weft::DistArray<float, 1> x({n}), y({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: an expression may read or write memory weft cannot name}} expected-note {{write the expression with DistArray elements, locals and visible functions}}
  for (int i = 0; i < n; ++i) {
    y(i) = x(i);
    asm volatile("" ::: "memory"); // expected-note {{'asm volatile("" ::: "memory")' is a statement of a kind weft does not model (GCCAsmStmt)}}
  }
}
// CHECK: "reason": "unknown_effect"
// CHECK: "verdict": "sequential"
