// The destructor of an object declared in the body runs at the end of every iteration
// and increments a counter through a pointer member: an implicit call with unknown
// effects (the constructor only stores the pointer).
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct Counter {
  int n = 0;
};
struct Scoped {
  Counter *c;
  explicit Scoped(Counter *c) : c(c) {}
  ~Scoped() { ++c->n; }
};

void copy(int n, Counter &count) {
  weft::DistArray<float, 1> x({n}), y({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (int i = 0; i < n; ++i) {
    Scoped s(&count); // expected-note {{'Scoped::~Scoped' may have effects: it reads or writes through the pointer 'c'}}
    y(i) = x(i);
  }
}
// CHECK: "verdict": "sequential"
