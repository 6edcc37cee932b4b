// A helper reads W(3) through a reference member of a config struct passed by const
// reference (h.scale). The call site sees only `h`; what h.scale is bound to, the
// summary cannot know: the callee has unknown effects. Sequential, where weft once
// ran it partitioned with stale reads of W(3).
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct Hyper {
  float lr;
  const weft::DistArray<float, 1> &scale;
};

static float step(const Hyper &h, float g) { return h.lr * g * h.scale(3); }

void train(int n) {
  weft::DistArray<float, 1> W({n}), x({n});
  const Hyper h{1.0f, W};
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (int i = 0; i < n; ++i)
    W(i) += step(h, x(i)); // expected-note {{'step' may have effects: it reads or writes through the reference member 'scale'}}
}
// CHECK: "reason": "unknown_call"
// CHECK: "verdict": "sequential"
