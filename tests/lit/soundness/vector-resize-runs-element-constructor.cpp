// resize() on a std::vector declared in the body default-constructs the new elements,
// whose user-written constructor counts into a global: the call has unknown effects.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <vector>

static int g_made = 0;
struct Id {
  int v;
  Id() : v(g_made++) {}
};

void ids(int n) {
  weft::DistArray<float, 1> A({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (int i = 0; i < n; ++i) {
    std::vector<Id> ids;
    ids.resize(3); // expected-note {{may have effects: it calls the constructor of 'Id', and it uses the global variable 'g_made'}}
    A(i) = (float)ids[2].v;
  }
}
// CHECK: may have effects: it calls the constructor of 'Id', and it uses the global variable 'g_made'
// CHECK: "verdict": "sequential"
