// A temporary with a destructor: Tally(...) is created and destroyed in each
// iteration, and its destructor adds to a global. The implicit destructor call of the
// temporary has unknown effects.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

double grand_total = 0.0;

struct Tally {
  float v;
  explicit Tally(float v) : v(v) {}
  ~Tally() { grand_total += v; }
  float value() const { return v; }
};

void copy(int n) {
  weft::DistArray<float, 1> x({n}), y({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (int i = 0; i < n; ++i)
    y(i) = Tally(x(i)).value(); // expected-note {{'Tally::~Tally' may have effects: it uses the global variable 'grand_total'}}
}
// CHECK: "verdict": "sequential"
