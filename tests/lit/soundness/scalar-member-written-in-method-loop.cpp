// In a method, every iteration increments a scalar member (this->count): a carried
// dependence through the object's field. Sequential.
// RUN: %weftc %s -- -Xclang -verify
#include <weft/weft.h>

struct Model {
  weft::DistArray<double, 1> W{{100}};
  int count = 0;
  void step(int n) {
    #pragma weft parallel_for // expected-warning {{loop stays sequential: a variable declared outside the loop is written by every iteration}} expected-note {{declare 'count' inside the loop if each iteration needs its own copy}}
    for (int i = 0; i < n; ++i) {
      W(i) = 2.0 * i;
      count++; // expected-note {{iteration i writes 'count'}} expected-note {{that another iteration reads 'count'}}
    }
  }
};
