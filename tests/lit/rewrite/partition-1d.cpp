// Sparse rows updated per key[0] (every conflict has the same key[0]): partition_1d by
// key dim 0, with the array read by key[1] prefetched.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

#include <cstdint>

float rows(const char* path, int K) {
  const weft::SparseArray<float, 2> R = weft::load_triples<float, 2>(path);
  weft::DistArray<float, 2> W({R.shape()[0], K}), H({R.shape()[1], K});
  #pragma weft parallel_for
  for (const auto& e : R) {
    for (int k = 0; k < K; ++k) W(e.key[0], k) += e.value * H(e.key[1], k);
  }
  return W(0, 0);
}
// CHECK:      // weft: partition_1d (by key[0]): every conflict is between iterations with the same key[0], so
// CHECK-NEXT: // iterations are partitioned by key[0]
// CHECK-NEXT: weft::rt::partition_1d(weft::rt::Session::current(), R, /*dim=*/0,
// CHECK-NEXT:     weft::rt::Footprint().write(W, 0).read(H, 1),
// CHECK-NEXT:     [&, K](const auto& e) {
// CHECK-NEXT:     for (int k = 0; k < K; ++k) W(e.key[0], k) += e.value * H(e.key[1], k);
// CHECK-NEXT:   });
