// Only the user factors W(key[0], k) are updated: conflicting iterations share key[0],
// so partitioning by key[0] keeps them on one worker.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void user_bias(weft::SparseArray<float, 2> &R, int K) {
  weft::DistArray<float, 2> W({100, K});
  #pragma weft parallel_for
  for (const auto &e : R)
    for (int k = 0; k < K; ++k)
      W(e.key[0], k) += 0.1f * e.value;
}
// CHECK: "distance": [
// CHECK-NEXT: "0",
// CHECK-NEXT: "*"
// CHECK: "partition_dim": "key[0]"
// CHECK: "verdict": "partition_1d"
