// A helper counts into a mutable DistArray member of a statistics object it receives by
// const reference. The call site counts the object as read; the mutable member makes it
// written: the callee has unknown effects. Sequential (as for the same write in a const
// method of the object).
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <array>
#include <cstdint>

struct Hist {
  mutable weft::DistArray<float, 1> count{std::array<int64_t, 1>{30}};
};

static void tally(const Hist &h, int64_t item) { h.count(item) += 1.0f; }

void histogram(const weft::SparseArray<float, 2> &R, int n) {
  weft::DistArray<float, 1> W({n});
  const Hist h;
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (const auto &e : R) {
    W(e.key[0]) += e.value;
    tally(h, e.key[1]); // expected-note {{'tally' may have effects: it writes the mutable field 'count'}}
  }
}
// CHECK: "reason": "unknown_call"
// CHECK: "verdict": "sequential"
