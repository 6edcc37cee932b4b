// A mutable lambda declared outside the loop keeps a counter in its init-capture: each
// call writes the closure object, which all iterations share. Not a local of the call:
// iterations conflict on the closure.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void number(int n) {
  weft::DistArray<float, 1> y({n});
  auto next = [c = 0]() mutable { return ++c; };
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two iterations access the same element and one writes it, and no partitioning of the iterations keeps them apart}}
  for (int i = 0; i < n; ++i)
    y(i) = next(); // expected-note {{iteration i writes 'next'}} expected-note {{that another iteration reads 'next'}}
}
// CHECK: "verdict": "sequential"
