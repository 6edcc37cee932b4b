// Iteration (i, j) reads what (i - 1, j + 1) wrote: distance (1, -1), and what (i, j - 1)
// wrote: (0, 1). Every dependence advances 2i + j; the wavefront executor runs it with
// a skew of one column (the tiles of a row wait for the next band's tile of the row
// above, and halos flow left as well as right).
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

float relax(int n) {
  weft::DistArray<float, 2> A({n + 2, n + 2});
  #pragma weft parallel_for ordered
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= n; ++j)
      A(i, j) = 0.5f * (A(i - 1, j + 1) + A(i, j - 1));
  return A(1, 1);
}
// CHECK:      // weft: wavefront: every dependence advances 2*i + j, so the iterations of one wavefront run at
// CHECK-NEXT: // once
// CHECK-NEXT: weft::rt::wavefront(weft::rt::Session::current(), weft::rt::Wavefront{{[{][{]}}1, n + 1}, {1, n + 1}, /*halo_rows=*/1, /*halo_cols=*/1, /*skew_cols=*/1},
// CHECK-NEXT:     weft::rt::Footprint().write(A, 0),
// CHECK-NEXT:     [&](int i, int j) { A(i, j) = 0.5f * (A(i - 1, j + 1) + A(i, j - 1)); });
// CHECK-NEXT: else
// CHECK-NEXT: for (int i = 1; i <= n; ++i)
// CHECK-NEXT: for (int j = 1; j <= n; ++j)
// CHECK-NEXT: A(i, j) = 0.5f * (A(i - 1, j + 1) + A(i, j - 1));
// CHECK-NEXT: return A(1, 1);
