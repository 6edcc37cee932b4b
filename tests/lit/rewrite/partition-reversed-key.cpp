// Reversed keys (W(n - 1 - e.key[0], k), n a size known before the loop): partition_1d by
// key[0], W's rows named through the map row = (n - 1) - key, whose offset the rewrite
// writes as the C++ expression n - 1; a read of H at a shifted key gets its own map.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

#include <cstdint>

float reversed(const weft::SparseArray<float, 2> &R, int64_t n, int K) {
  weft::DistArray<float, 2> W({n, K}), H({R.shape()[1] + 2, K});
  #pragma weft parallel_for
  for (const auto &e : R) {
    for (int k = 0; k < K; ++k) W(n - 1 - e.key[0], k) += e.value * H(e.key[1] + 2, k);
  }
  return W(0, 0);
}
// CHECK:      weft::rt::partition_1d(weft::rt::Session::current(), R, /*dim=*/0,
// CHECK-NEXT:     weft::rt::Footprint().write(W, 0, weft::rt::RowMap{-1, static_cast<std::int64_t>(n) - 1}).read(H, 1, weft::rt::RowMap{1, 2}),
// CHECK-NEXT:     [&, K, n](const auto &e) {
// CHECK-NEXT:     for (int k = 0; k < K; ++k) W(n - 1 - e.key[0], k) += e.value * H(e.key[1] + 2, k);
// CHECK-NEXT:   });
