// A helper takes a `const Base &` and casts it to the derived class to read its array:
// the caller counts a read of a Base, which holds no array, while the helper reads
// A's storage when the caller passes the derived object whose W is A. A cast to a
// derived class in a callee is an unknown effect. Sequential (weft once ran it
// data-parallel, with wrong sums on 2, 3 and 4 processes).
// RUN: %weftc %s -- -Xclang -verify
#include <weft/weft.h>

using A1 = weft::DistArray<double, 1>;

struct Base {
  int tag = 1;
};
struct Derived : Base {
  A1 W{{1000}};
};

double before(const Base &b, int i) { return static_cast<const Derived &>(b).W(i); }

void step(A1 &A, const Base &b) {
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop}}
  for (int i = 0; i < 999; ++i)
    A(i + 1) = before(b, i) + 1; // expected-note {{'before' may have effects: it casts to another class ('static_cast<const Derived &>(b)')}}
}
