// A helper that calls std::vector::at may throw: its summary is not transparent, and
// the call in the loop has unknown effects.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <vector>

float weight_of(const std::vector<float> &weight, int i) { return weight.at(i); }

void weigh(weft::DistArray<float, 1> &W, const std::vector<float> &weight, int n) {
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (int i = 0; i < n; ++i)
    W(i) += weight_of(weight, i); // expected-note {{'weight_of' may have effects: it calls 'std::vector::at', which may throw}}
}
// CHECK: "detail": "'weight_of' may have effects: it calls 'std::vector::at', which may throw"
// CHECK: "verdict": "sequential"
