// The report names the arrays whose addresses the rewritten program compares before
// the parallel call (docs/design.md, "Aliasing").
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void copy(weft::DistArray<float, 1> &P, const weft::DistArray<float, 1> &Q, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    P(i) = Q(i + 1);
}
// CHECK: "alias_check": [
// CHECK-NEXT: [
// CHECK-NEXT: "{{[PQ]}}",
// CHECK-NEXT: "{{[PQ]}}"
// CHECK: "verdict": "data_parallel"
