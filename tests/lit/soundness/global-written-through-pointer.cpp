// A global used in a subscript, and a write through a pointer that may point to it:
// p[i] = 0 writes offset when p == &offset, which moves the elements W(i + offset)
// names for the iterations after it. offset is no parameter: the subscript is not
// affine, and the pointer may alias it: the loop stays sequential.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=model %s 2>/dev/null | FileCheck %s --check-prefix=MODEL
#include <weft/weft.h>

int offset = 1;

void shift(weft::DistArray<float, 1> &W, int *p, int n) {
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two names may refer to the same storage}} expected-note {{declare the arrays in this function}} expected-note {{also: a subscript is not an affine expression}} expected-note {{write the subscript as an affine expression}}
  for (int i = 0; i < n; ++i) {
    W(i + offset) += 1.0f; // expected-note {{iteration i writes W[i + offset]}} expected-note {{that another iteration reads W[i + offset]}} expected-note {{that another iteration reads 'offset', and 'p' and 'offset' may be the same storage}}
    p[i] = 0; // expected-note {{iteration i writes p[i]}}
  }
}
// MODEL: subscript 0 `i + offset` is not affine: 'offset' may be written inside the loop through a pointer or reference
