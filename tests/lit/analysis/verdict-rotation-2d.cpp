// SGD matrix factorization: W conflicts share key[0], H conflicts share key[1]; no
// conflict differs in both, so Orion's 2-D rotation applies (space key[0], time key[1]).
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void sgd(weft::SparseArray<float, 2> &R, int64_t users, int64_t items, int K) {
  weft::DistArray<float, 2> W({users, K}), H({items, K});
  #pragma weft parallel_for
  for (const auto &e : R) {
    const int64_t u = e.key[0], i = e.key[1];
    float err = e.value;
    for (int k = 0; k < K; ++k)
      err -= W(u, k) * H(i, k);
    for (int k = 0; k < K; ++k) {
      const float w = W(u, k);
      W(u, k) += 0.01f * (err * H(i, k) - 0.05f * w);
      H(i, k) += 0.01f * (err * w - 0.05f * H(i, k));
    }
  }
}
// CHECK: "space_dim": "key[0]"
// CHECK: "time_dim": "key[1]"
// CHECK: "verdict": "rotation_2d"
