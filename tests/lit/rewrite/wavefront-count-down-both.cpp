// Both loops count down, and the inner one ends at '> 0': a suffix recurrence reading
// (i + 1, j), (i, j + 1) and (i + 1, j + 1), one row and one column back in the order
// the loops run. Both dims run mirrored.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

int lcs_suffix(int n, int m) {
  weft::DistArray<int, 2> L({n + 2, m + 2});
  #pragma weft parallel_for ordered
  for (int i = n; i > 0; i--)
    for (int j = m; j > 0; j--)
      L(i, j) = (i + j) % 3 == 0 ? L(i + 1, j + 1) + 1 : (L(i + 1, j) > L(i, j + 1) ? L(i + 1, j) : L(i, j + 1));
  return L(1, 1);
}
// CHECK:      weft::rt::wavefront(weft::rt::Session::current(), weft::rt::Wavefront{{[{][{]}}0 + 1, n + 1}, {0 + 1, m + 1}, /*halo_rows=*/1, /*halo_cols=*/1, /*skew_cols=*/0, weft::rt::Order::Descending, weft::rt::Order::Descending},
// CHECK-NEXT:     weft::rt::Footprint().write(L, 0),
// CHECK-NEXT:     [&](int i, int j) { L(i, j) =
