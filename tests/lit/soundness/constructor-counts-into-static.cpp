// A scope guard declared in the body: its constructor and destructor count into a
// static member, in every iteration. Both implicit calls have unknown effects.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct Guard {
  static int live;
  Guard() { ++live; }
  ~Guard() { --live; }
};
int Guard::live = 0;

void copy(int n) {
  weft::DistArray<float, 1> x({n}), y({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note 2 {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}} expected-note {{also: a call may read or write memory weft cannot see}}
  for (int i = 0; i < n; ++i) {
    Guard g; // expected-note {{'Guard::Guard' may have effects: it uses the global variable 'live'}} expected-note {{'Guard::~Guard' may have effects: it uses the global variable 'live'}}
    y(i) = x(i);
  }
}
// CHECK: "detail": "'Guard::Guard' may have effects: it uses the global variable 'live'"
// CHECK: "detail": "'Guard::~Guard' may have effects: it uses the global variable 'live'"
// CHECK: "verdict": "sequential"
