// In a method, the loop reads this->W(i) and passes *this to a helper that writes
// another element of W: the object overlaps its fields, so the helper's write
// conflicts with the reads of other iterations. Sequential.
// RUN: %weftc %s -- -Xclang -verify
#include <weft/weft.h>

struct Model;
void bump(Model &m, int i);

struct Model {
  weft::DistArray<double, 1> W{{100}}, V{{100}};
  void step(int n) {
    #pragma weft parallel_for // expected-warning {{loop stays sequential: two names may refer to the same storage}} expected-note {{declare the arrays in this function, or pass one array, so that weft can tell them apart}} expected-note {{also: two iterations access the same element and one writes it, and no partitioning of the iterations keeps them apart}}
    for (int i = 0; i < n; ++i) {
      V(i) = this->W(i) + 1.0; // expected-note {{that another iteration reads this->W[i], and 'this' and 'this->W' may be the same storage}}
      bump(*this, i); // expected-note 2 {{iteration i writes 'this'}} expected-note {{that another iteration reads 'this'}}
    }
  }
};

void bump(Model &m, int i) { m.W((i + 1) % 100) += 1.0; }
