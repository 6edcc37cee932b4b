// Ordered time steps over a 1-D field where each cell only reads its own history:
// every dependence has distance 0 in j, so the cells are partitioned by j and each
// part runs its time steps in order.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void decay(int steps, int n) {
  weft::DistArray<float, 2> A({steps, n});
  #pragma weft parallel_for ordered
  for (int t = 1; t < steps; ++t)
    for (int j = 0; j < n; ++j)
      A(t, j) = 0.5f * A(t - 1, j);
}
// CHECK: "kept_sequential": "partitioning by j, a loop nested in the annotated one, needs an interchange the rewrite does not make"
// CHECK: "partition_dim": "j"
// CHECK: "proven": "partition_1d"
// CHECK: "verdict": "sequential"
