// In a method, the loop writes through `out`, a reference to the member W, and a
// helper reads *this (m.W(i)): the object holds W, so the read may overlap the
// writes. Sequential (weft once ran it data-parallel with no run-time check, with wrong
// sums on every process count).
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

using A1 = weft::DistArray<double, 1>;

struct M;
double before(const M &m, int i);

struct M {
  A1 W{{1000}};
  void step() {
    A1 &out = W;
    #pragma weft parallel_for
    for (int i = 0; i < 999; ++i)
      out(i + 1) = before(*this, i) + 1;
  }
};

double before(const M &m, int i) { return m.W(i); }
// CHECK: "verdict": "sequential"
