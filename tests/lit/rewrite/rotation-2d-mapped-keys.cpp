// SGD matrix factorization with 1-based users (W(u - 1, k)) and items stored backwards
// (H(m - 1 - i, k)): rotation_2d over R's keys, each written array's rows named through
// its own key's map.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

#include <cstdint>

double epoch(const weft::SparseArray<float, 2> &R, int64_t m, int K, float lr) {
  weft::DistArray<float, 2> W({R.shape()[0] - 1, K}), H({m, K});
  weft::Accumulator<double> sq_err(0.0);
  #pragma weft parallel_for
  for (const auto &e : R) {
    const int64_t u = e.key[0], i = e.key[1];
    float err = e.value;
    for (int k = 0; k < K; ++k) err -= W(u - 1, k) * H(m - 1 - i, k);
    for (int k = 0; k < K; ++k) {
      const float w = W(u - 1, k);
      W(u - 1, k) += lr * err * H(m - 1 - i, k);
      H(m - 1 - i, k) += lr * err * w;
    }
    sq_err += err * err;
  }
  return sq_err.value();
}
// CHECK:      // weft: rotation_2d (space key[0], time key[1]):
// CHECK:      weft::rt::rotation_2d(weft::rt::Session::current(), R, /*space=*/0, /*time=*/1,
// CHECK-NEXT:     weft::rt::Footprint().write(W, 0, weft::rt::RowMap{1, -1}).write(H, 1, weft::rt::RowMap{-1, static_cast<std::int64_t>(m) - 1}).reduce(sq_err),
