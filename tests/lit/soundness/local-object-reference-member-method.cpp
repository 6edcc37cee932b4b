// A loop-local Recorder binds P to its non-const reference member, and its non-const
// method writes P(item) through it. Binding P there may write P (it was recorded as a
// read), and the method writes through a reference member, not a field of its object:
// the method has unknown effects. Sequential.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
// RUN: %weftc --emit=model %s 2>/dev/null | FileCheck --check-prefix=MODEL %s
#include <weft/weft.h>
#include <cstdint>

struct Recorder {
  weft::DistArray<float, 1> &per_item;
  void add(int64_t item, float x) { per_item(item) += x; }
};

void count(const weft::SparseArray<float, 2> &R, int n) {
  weft::DistArray<float, 1> W({n}), P({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (const auto &e : R) {
    W(e.key[0]) += e.value;
    Recorder rec{P};
    rec.add(e.key[1], e.value); // expected-note {{'Recorder::add' may have effects: it reads or writes through the reference member 'per_item'}}
  }
}
// CHECK: "reason": "unknown_call"
// CHECK: "verdict": "sequential"
// MODEL: write P[*] (may) `P`
