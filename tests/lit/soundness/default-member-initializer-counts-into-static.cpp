// A struct declared in the body takes a ticket from a static counter in its default
// member initializer. Its implicit default constructor runs that initializer, in
// every iteration: the call has unknown effects.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct Ticket {
  static int next;
  int id = next++;
};
int Ticket::next = 0;

void tickets(int n) {
  weft::DistArray<float, 1> A({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (int i = 0; i < n; ++i) {
    Ticket t; // expected-note {{'Ticket::Ticket' may have effects: it uses the global variable 'next'}}
    A(i) = (float)t.id;
  }
}
// CHECK: "detail": "'Ticket::Ticket' may have effects: it uses the global variable 'next'"
// CHECK: "verdict": "sequential"
