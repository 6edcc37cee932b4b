// The DistArray written is Ws[l], where l is the variable of a loop inside the annotated
// loop, and the function has its own `l` before the loop. Ws[l] is another array in each
// inner iteration, and before the loop the text `Ws[l]` names Ws[0] (the outer l): no
// Footprint or alias check placed before the loop can name the arrays written. An
// unknown effect naming the expression: sequential, never data_parallel.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <vector>

void spread(weft::SparseArray<float, 2> &R, std::vector<weft::DistArray<float, 1>> &Ws, int L) {
  int l = 0;
  Ws[l](0) = 0.0f;
  #pragma weft parallel_for // expected-warning {{loop stays sequential: an expression may read or write memory weft cannot name}} expected-note {{write the expression with DistArray elements, locals and visible functions}}
  for (const auto &e : R) {
    const int64_t u = e.key[0];
    for (int l = 0; l < L; ++l)
      Ws[l](u) += e.value; // expected-note {{'Ws[l]' names an array through 'l', which the loop declares: it may be another array in another iteration, and weft names each array once, before the loop}}
  }
}
// CHECK: "reason": "unknown_effect"
// CHECK: "verdict": "sequential"
