// A helper takes P by const reference and writes it after a const_cast (nudge) or a
// C-style cast (nudge_c). The call site counts a const reference argument as read: the
// cast makes the callee's effects unknown. Sequential, where weft once lost updates.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <cstdint>

static void nudge(const weft::DistArray<float, 1> &Pc, int64_t r, float g) {
  const_cast<weft::DistArray<float, 1> &>(Pc)(r) += g;
}

static void nudge_c(const weft::DistArray<float, 1> &Pc, int64_t r, float g) {
  ((weft::DistArray<float, 1> &)Pc)(r) += g;
}

void with_const_cast(const weft::SparseArray<float, 2> &R, int n) {
  weft::DistArray<float, 1> W({n}), P({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (const auto &e : R) {
    W(e.key[0]) += e.value;
    nudge(P, e.key[1], e.value); // expected-note {{'nudge' may have effects: it casts away const ('const_cast<weft::DistArray<float, 1> &>(Pc)')}}
  }
}

void with_c_cast(const weft::SparseArray<float, 2> &R, int n) {
  weft::DistArray<float, 1> W({n}), P({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (const auto &e : R) {
    W(e.key[0]) += e.value;
    nudge_c(P, e.key[1], e.value); // expected-note {{'nudge_c' may have effects: it casts away const ('(weft::DistArray<float, 1> &)Pc')}}
  }
}
// CHECK: "verdict": "sequential"
// CHECK: "verdict": "sequential"
// CHECK-NOT: "verdict"
