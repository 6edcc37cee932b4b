// The outer loop counts down: iteration (i, j) reads what (i + 1, j) and (i, j - 1)
// wrote, which in the order the loops run are one row up and one column left. The
// executor runs the rows in descending order (Order::Descending) over the ascending
// range [0, n - 1]; the body keeps its indices.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

#include <cstdint>

double suffix(int64_t n, int64_t m) {
  weft::DistArray<double, 2> D({n + 1, m + 1});
  #pragma weft parallel_for ordered
  for (int64_t i = n - 1; i >= 0; --i) {
    for (int64_t j = 1; j <= m; ++j) {
      D(i, j) = D(i + 1, j) + 0.5 * D(i, j - 1);
    }
  }
  return D(0, m);
}
// CHECK:      weft::rt::wavefront(weft::rt::Session::current(), weft::rt::Wavefront{{[{][{]}}0, (n - 1) + 1}, {1, m + 1}, /*halo_rows=*/1, /*halo_cols=*/1, /*skew_cols=*/0, weft::rt::Order::Descending, weft::rt::Order::Ascending},
// CHECK-NEXT:     weft::rt::Footprint().write(D, 0),
// CHECK-NEXT:     [&](int64_t i, int64_t j) {
// CHECK-NEXT:       D(i, j) = D(i + 1, j) + 0.5 * D(i, j - 1);
// CHECK-NEXT:     });
