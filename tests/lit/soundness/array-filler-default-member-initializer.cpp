// `Ticket t[2] = {};` initializes the elements no initializer names from the array
// filler, which runs the default member initializer that takes a ticket from a static
// counter: the counter is written by every iteration, and the loop stays sequential.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct Ticket {
  static int next;
  int id = next++; // expected-note 2 {{iteration i writes 'next'}} expected-note {{that another iteration reads 'next'}}
};
int Ticket::next = 0;

void tickets(int n) {
  weft::DistArray<float, 1> A({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two names may refer to the same storage}} expected-note {{declare the arrays in this function, or pass one array, so that weft can tell them apart}} expected-note {{also: a variable declared outside the loop is written by every iteration}} expected-note {{declare 'next' inside the loop if each iteration needs its own copy}}
  for (int i = 0; i < n; ++i) {
    Ticket t[2] = {};
    A(i) = (float)t[1].id; // expected-note {{that another iteration reads 't[1].id', and 'next' and 't[1].id' may be the same storage}}
  }
}
// CHECK: "reason": "shared_scalar"
// CHECK: "verdict": "sequential"
