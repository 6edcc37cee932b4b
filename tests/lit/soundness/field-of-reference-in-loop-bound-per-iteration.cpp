// A reference declared in the loop and bound to one of two structs by a condition on the
// iteration, then a DistArray field through it: gr.even is g1.even in some iterations and
// g2.even in others, and `gr` does not exist before the loop, where the Footprint is
// placed. An unknown effect naming the field: sequential, never data_parallel.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct Grads {
  weft::DistArray<float, 1> even{std::array<int64_t, 1>{64}}, odd{std::array<int64_t, 1>{64}};
};

void fill(Grads &g1, Grads &g2) {
  #pragma weft parallel_for // expected-warning {{loop stays sequential: an expression may read or write memory weft cannot name}} expected-note {{write the expression with DistArray elements, locals and visible functions}}
  for (int i = 0; i < 64; ++i) {
    Grads &gr = (i % 2 == 0) ? g1 : g2;
    gr.even(i) += 1.0f * i; // expected-note {{'gr.even' names an array through 'gr', which the loop declares: it may be another array in another iteration, and weft names each array once, before the loop}}
  }
}
// CHECK: "reason": "unknown_effect"
// CHECK: "verdict": "sequential"
