// Sparse logistic regression through a Buffer: relaxed, with the buffer, the accumulator
// and the read arrays in the footprint.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

#include <cmath>
#include <cstdint>

double train(int64_t n, int64_t features, int64_t per_example, float lr) {
  weft::DistArray<int64_t, 2> feature({n, per_example});
  weft::DistArray<float, 1> label({n});
  weft::DistArray<float, 1> w({features});
  weft::Buffer<float, 1> dw(w, weft::apply_add, 100);
  weft::Accumulator<double> loss(0.0);
  #pragma weft parallel_for
  for (int64_t i = 0; i < n; ++i) {
    float margin = 0.0f;
    for (int64_t k = 0; k < per_example; ++k) margin += w(feature(i, k));
    const float g = lr * (label(i) - 1.0f / (1.0f + std::exp(-margin)));
    for (int64_t k = 0; k < per_example; ++k) dw(feature(i, k)) += g;
    loss += std::log1p(std::exp(-margin));
  }
  return loss.value();
}
// CHECK:      // weft: relaxed: the only conflicts are updates through dw, which may be stale by at most their
// CHECK-NEXT: // max_delay updates
// CHECK-NEXT: weft::rt::relaxed(weft::rt::Session::current(), weft::rt::IndexRange{0, n},
// CHECK-NEXT:     weft::rt::Footprint().read(feature, 0).read(w).read(label, 0).reduce(loss).buffer(dw),
// CHECK-NEXT:     [&, lr, per_example](int64_t i) {
