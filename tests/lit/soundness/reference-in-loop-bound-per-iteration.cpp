// A reference declared in the loop and bound to W or H by a condition on the iteration:
// which array it names changes from one iteration to the next, and `A` does not exist
// before the loop, where the alias check and the Footprint are placed. An unknown effect
// naming the reference: sequential, never data_parallel.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void pick(weft::SparseArray<float, 2> &R, weft::DistArray<float, 1> &W,
          weft::DistArray<float, 1> &H) {
  #pragma weft parallel_for // expected-warning {{loop stays sequential: an expression may read or write memory weft cannot name}} expected-note {{write the expression with DistArray elements, locals and visible functions}}
  for (const auto &e : R) {
    const int64_t u = e.key[0], i = e.key[1];
    weft::DistArray<float, 1> &A = (i % 2 == 0) ? W : H;
    A(u) += e.value * H(i); // expected-note {{'A' names an array through 'A', which the loop declares: it may be another array in another iteration, and weft names each array once, before the loop}}
  }
}
// CHECK: "reason": "unknown_effect"
// CHECK: "verdict": "sequential"
