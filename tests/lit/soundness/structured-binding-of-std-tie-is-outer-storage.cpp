// `auto [a, b] = std::tie(x, y)` in the loop: the tuple holds references to x and y,
// declared outside the loop, so `a += ...` writes x in every iteration. Not the
// iteration's own storage (unlike a tuple of values): sequential.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

#include <tuple>

double f(weft::DistArray<double, 1> &W, int n) {
  double x = 0, y = 0;
  #pragma weft parallel_for // expected-warning {{loop stays sequential}} expected-note 0+ {{}}
  for (int i = 0; i < n; ++i) { // expected-note 0+ {{}}
    auto [a, b] = std::tie(x, y); // expected-note 0+ {{}}
    a += W(i); // expected-note 0+ {{}}
    W(i) = b; // expected-note 0+ {{}}
  }
  return x;
}
// CHECK: "verdict": "sequential"
