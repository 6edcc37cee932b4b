// A helper reads the running loss through a monitor struct holding a reference to the
// Accumulator the loop reduces into (m.loss.value()): inside the loop its value is
// partial, even on one process. The reference member makes the callee's effects
// unknown: sequential.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct Monitor {
  const weft::Accumulator<double> &loss;
};

static float damp(const Monitor &m) { return m.loss.value() > 10.0 ? 0.5f : 1.0f; }

void train(int n, weft::Accumulator<double> &total) {
  weft::DistArray<float, 1> W({n}), x({n});
  weft::Accumulator<double> loss(0.0);
  const Monitor mon{loss};
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (int i = 0; i < n; ++i) {
    W(i) += x(i) * damp(mon); // expected-note {{'damp' may have effects: it reads or writes through the reference member 'loss'}}
    loss += x(i);
  }
  total += loss.value();
}
// CHECK: "reason": "unknown_call"
// CHECK: "verdict": "sequential"
