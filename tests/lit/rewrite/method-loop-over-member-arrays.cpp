// A loop in a method over the object's own arrays, named through the implicit this (W)
// and an explicit one (this->V), with a scalar member read: the arrays are fields of
// one object, distinct from each other, and the loop is data-parallel; the footprint
// names them as the loop does.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

struct Model {
  weft::DistArray<float, 1> W{{64}}, V{{64}};
  float lr = 0.5f;
  void step(int n) {
    #pragma weft parallel_for
    for (int i = 0; i < n; ++i)
      W(i) -= lr * this->V(i);
  }
};

int main() {
  Model m;
  m.step(64);
  return 0;
}
// CHECK:      // weft: data_parallel: no iteration touches an element that another iteration writes
// CHECK-NEXT: if (weft::rt::has_session()) weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, n},
// CHECK-NEXT:     weft::rt::Footprint().write(W, 0).read(this->V, 0),
