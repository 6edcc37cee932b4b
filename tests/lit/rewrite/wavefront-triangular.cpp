// A triangular nest: the inner loop's bound is the outer variable. The executor takes
// the inner range as a function of the row, runs the bounding rectangle of the first and
// the last row's ranges, and calls the body only inside each row's own range.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

long paths(int n) {
  weft::DistArray<long, 2> P({n, n});
  #pragma weft parallel_for ordered
  for (int i = 1; i < n; ++i) {
    for (int j = 1; j <= i; ++j)
      P(i, j) = P(i - 1, j) + P(i, j - 1);
  }
  return P(n - 1, n - 1);
}
// CHECK:      weft::rt::wavefront(weft::rt::Session::current(), weft::rt::Wavefront{{[{][{]}}1, n}, {}, /*halo_rows=*/1, /*halo_cols=*/1}, [&](int i) { return weft::rt::IndexRange{1, i + 1}; },
// CHECK-NEXT:     weft::rt::Footprint().write(P, 0),
// CHECK-NEXT:     [&](int i, int j) { P(i, j) = P(i - 1, j) + P(i, j - 1); });
