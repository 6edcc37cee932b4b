// A loop whose analysis needs more isl operations than allowed ends sequential, with
// the limit named, instead of hanging the compiler.
// RUN: %weftc --isl-max-operations=2000 %s -- -Xclang -verify
// RUN: %weftc --isl-max-operations=2000 --emit=report %s | FileCheck %s
#include <weft/weft.h>

void stencil(int n) {
  weft::DistArray<float, 2> A({n, n});
  #pragma weft parallel_for ordered // expected-warning {{loop stays sequential: the dependence analysis exceeded its operation limit}} expected-note {{raise --isl-max-operations, or simplify the loop}}
  for (int i = 1; i < n - 1; ++i) // expected-note {{more than 2000 isl operations (--isl-max-operations)}}
    for (int j = 1; j < n - 1; ++j)
      A(i, j) = (A(i - 1, j) + A(i + 1, j) + A(i, j - 1) + A(i, j + 1)) / 4;
}
// CHECK: "reason": "analysis_limit"
