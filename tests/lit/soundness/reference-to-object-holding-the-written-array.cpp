// The loop writes w(i) and reads the object `a` through a helper (a.W at i - 1); `a` is
// a reference to a Model, `w` a reference to a DistArray, and the caller may pass a.W as
// w. An object may be the storage of any subobject it holds, so the two names may
// overlap. Sequential, where weft once ran it data-parallel (a process read W(i - 1)
// before another process's write of it arrived: what no serial order computes).
// RUN: %weftc %s -- -Xclang -verify
#include <weft/weft.h>

struct Model {
  weft::DistArray<double, 1> W{{100}};
};

double before(const Model &m, int i) { return m.W((i + 99) % 100); }

void f(const Model &a, weft::DistArray<double, 1> &w, int n) {
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two names may refer to the same storage}} expected-note {{declare the arrays in this function, or pass one array, so that weft can tell them apart}}
  for (int i = 0; i < n; ++i)
    w(i) = before(a, i) + 1.0; // expected-note {{iteration i writes w[i]}} expected-note {{that another iteration reads 'a', and 'w' and 'a' may be the same storage}}
}
