// Ws[l] and Ws[l + 1], with l the variable of a loop inside the annotated loop, are not
// two fixed arrays: both change with l, and `l` does not exist before the loop, where
// the Footprint and the alias check are placed. An unknown effect naming each
// expression: sequential, never data_parallel.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <vector>

void chain(weft::SparseArray<float, 2> &R, std::vector<weft::DistArray<float, 1>> &Ws, int L) {
  #pragma weft parallel_for // expected-warning {{loop stays sequential: an expression may read or write memory weft cannot name}} expected-note 2 {{write the expression with DistArray elements, locals and visible functions}} expected-note {{also: an expression may read or write memory weft cannot name}}
  for (const auto &e : R) {
    const int64_t u = e.key[0], i = e.key[1];
    for (int l = 0; l + 1 < L; ++l)
      Ws[l](u) += e.value * Ws[l + 1](i); // expected-note {{'Ws[l]' names an array through 'l', which the loop declares: it may be another array in another iteration, and weft names each array once, before the loop}} expected-note {{'Ws[l + 1]' names an array through 'l', which the loop declares}}
  }
}
// CHECK: "reason": "unknown_effect"
// CHECK: "verdict": "sequential"
