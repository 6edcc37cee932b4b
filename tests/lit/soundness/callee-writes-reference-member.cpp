// A helper writes P through a reference member of a struct it receives: by const
// reference (record), by value (record_copy), or as a by-copy capture of a lambda
// (the lambda's copy still refers to P). The call sites see only the struct, read; the
// callee has unknown effects in each case: sequential, where weft once lost updates of
// P[j] made by two processes.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <cstdint>

struct Stats {
  weft::DistArray<float, 1> &per_item;
};

static void record(const Stats &s, int64_t item, float x) { s.per_item(item) += x; }
static void record_copy(Stats s, int64_t item, float x) { s.per_item(item) += x; }

void by_const_reference(const weft::SparseArray<float, 2> &R, int n) {
  weft::DistArray<float, 1> W({n}), P({n});
  const Stats st{P};
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (const auto &e : R) {
    W(e.key[0]) += e.value;
    record(st, e.key[1], e.value); // expected-note {{'record' may have effects: it reads or writes through the reference member 'per_item'}}
  }
}

void by_value(const weft::SparseArray<float, 2> &R, int n) {
  weft::DistArray<float, 1> W({n}), P({n});
  const Stats st{P};
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (const auto &e : R) {
    W(e.key[0]) += e.value;
    record_copy(st, e.key[1], e.value); // expected-note {{'record_copy' may have effects: it reads or writes through the reference member 'per_item'}}
  }
}

void captured_by_copy(const weft::SparseArray<float, 2> &R, int n) {
  weft::DistArray<float, 1> W({n}), P({n});
  const Stats st{P};
  auto rec = [st](int64_t item, float x) { st.per_item(item) += x; };
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (const auto &e : R) {
    W(e.key[0]) += e.value;
    rec(e.key[1], e.value); // expected-note-re {{'lambda at {{.*}}' may have effects: it reads or writes through the reference member 'per_item'}}
  }
}
// CHECK: "verdict": "sequential"
// CHECK: "verdict": "sequential"
// CHECK: "verdict": "sequential"
// CHECK-NOT: "verdict"
