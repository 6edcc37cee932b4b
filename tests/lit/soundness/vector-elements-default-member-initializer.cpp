// std::vector<Id> ids(2) default-constructs its elements, whose default member
// initializer takes a ticket from a global counter: the constructor of the vector has
// unknown effects, though std::vector is a class weft knows.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <vector>

static int g_next = 0;
struct Id {
  int v = g_next++;
};

void ids(int n) {
  weft::DistArray<float, 1> A({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (int i = 0; i < n; ++i) {
    std::vector<Id> ids(2); // expected-note {{may have effects: it calls the constructor of 'Id', and it uses the global variable 'g_next'}}
    A(i) = (float)(ids[0].v + ids[1].v);
  }
}
// CHECK: may have effects: it calls the constructor of 'Id', and it uses the global variable 'g_next'
// CHECK: "verdict": "sequential"
