// A local whose address was taken before the loop, used in a subscript, while the loop
// writes through that pointer: q[i] = 0 writes base when i == 0. base is no parameter,
// so W(i + base) is not affine: sequential.
// RUN: %weftc %s -- -Xclang -verify
#include <weft/weft.h>

void shift(weft::DistArray<float, 1> &W, int n, int start) {
  int base = start;
  int *q = &base;
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two names may refer to the same storage}} expected-note {{declare the arrays in this function}} expected-note {{also: a subscript is not an affine expression}} expected-note {{write the subscript as an affine expression}}
  for (int i = 0; i < n; ++i) {
    W(i + base) += 1.0f; // expected-note {{iteration i writes W[i + base]}} expected-note {{that another iteration reads W[i + base]}} expected-note {{that another iteration reads 'base', and 'q' and 'base' may be the same storage}}
    q[i] = 0; // expected-note {{iteration i writes q[i]}}
  }
}
