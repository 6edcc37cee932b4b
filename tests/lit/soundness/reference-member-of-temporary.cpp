// A field of a temporary is the iteration's own storage, but a reference field of a
// temporary is not: pass(sc).s reads W(3), to which the copy's reference is bound. The
// loop cannot name that storage outside itself (for a run-time check): an unknown
// effect. Sequential.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct Scale {
  const float &s;
};

static Scale pass(Scale s) { return s; }

void scale_all(int n) {
  weft::DistArray<float, 1> W({n}), x({n});
  const Scale sc{W(3)};
  #pragma weft parallel_for // expected-warning {{loop stays sequential: an expression may read or write memory weft cannot name}} expected-note {{write the expression with DistArray elements, locals and visible functions}}
  for (int i = 0; i < n; ++i)
    W(i) += x(i) * pass(sc).s; // expected-note {{'pass(sc).s' reads or writes through the reference member 's' of an object the loop makes ('pass(sc)'): weft cannot tell what it is bound to}}
}
// CHECK: "reason": "unknown_effect"
// CHECK: "verdict": "sequential"
