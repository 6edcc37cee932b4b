// Ordered time steps partitioned by the inner loop's j: running each j's time steps in
// order needs the loops interchanged, which the rewrite does not do.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/weft.h>

float decay(int steps, int n) {
  weft::DistArray<float, 2> A({steps, n});
  #pragma weft parallel_for ordered // expected-warning {{loop kept sequential: partitioning by j, a loop nested in the annotated one, needs an interchange the rewrite does not make (its verdict is partition_1d)}}
  for (int t = 1; t < steps; ++t)
    for (int j = 0; j < n; ++j)
      A(t, j) = 0.5f * A(t - 1, j);
  return A(steps - 1, 0);
}
// CHECK: // weft: partition_1d, but kept sequential: partitioning by j, a loop nested in the annotated one,
