// Keys counted from 1 (W(e.key[0] - 1, k)): partition_1d by key[0], and the Footprint
// names W's rows through the map row = key - 1, so that each process owns the rows its
// keys name.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

#include <cstdint>

float one_based(const weft::SparseArray<float, 2> &R, int K) {
  weft::DistArray<float, 2> W({R.shape()[0] - 1, K}), H({R.shape()[1], K});
  #pragma weft parallel_for
  for (const auto &e : R) {
    for (int k = 0; k < K; ++k) W(e.key[0] - 1, k) += e.value * H(e.key[1], k);
  }
  return W(0, 0);
}
// CHECK:      // weft: partition_1d (by key[0]): every conflict is between iterations with the same key[0], so
// CHECK-NEXT: // iterations are partitioned by key[0]
// CHECK-NEXT: weft::rt::partition_1d(weft::rt::Session::current(), R, /*dim=*/0,
// CHECK-NEXT:     weft::rt::Footprint().write(W, 0, weft::rt::RowMap{1, -1}).read(H, 1),
// CHECK-NEXT:     [&, K](const auto &e) {
// CHECK-NEXT:     for (int k = 0; k < K; ++k) W(e.key[0] - 1, k) += e.value * H(e.key[1], k);
// CHECK-NEXT:   });
