// In a method, the loop writes the object's W(i) and calls a const method on `other`, a
// reference to the same class that may be *this: the method reads other.W at i - 1.
// The object `other` holds a DistArray like W, so the two may overlap. Sequential.
// RUN: %weftc %s -- -Xclang -verify
#include <weft/weft.h>

struct Model {
  weft::DistArray<double, 1> W{{100}};
  double before(int i) const { return W((i + 99) % 100); }
  void g(const Model &other, int n) {
    #pragma weft parallel_for // expected-warning {{loop stays sequential: two names may refer to the same storage}} expected-note {{declare the arrays in this function, or pass one array, so that weft can tell them apart}}
    for (int i = 0; i < n; ++i)
      W(i) = other.before(i) + 1.0; // expected-note {{iteration i writes W[i]}} expected-note {{that another iteration reads 'other', and 'W' and 'other' may be the same storage}}
  }
};
