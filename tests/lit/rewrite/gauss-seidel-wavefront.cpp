// In-place Gauss-Seidel sweep: iteration (i, j) reads the new values of (i - 1, j) and
// (i, j - 1) and the old values of (i + 1, j) and (i, j + 1). Every dependence points up
// or left by one (flow (1, 0), (0, 1); anti (1, 0), (0, 1)), so the wavefront executor
// runs it with halos of 1: the old values come from each process's own copy.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

float relax(int n) {
  weft::DistArray<float, 2> A({n + 2, n + 2});
  A.randomize(3, 0.0f, 1.0f);
  #pragma weft parallel_for ordered
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= n; ++j)
      A(i, j) = 0.25f * (A(i - 1, j) + A(i + 1, j) + A(i, j - 1) + A(i, j + 1));
  return A(1, 1);
}
// CHECK:      weft::rt::wavefront(weft::rt::Session::current(), weft::rt::Wavefront{{[{][{]}}1, n + 1}, {1, n + 1}, /*halo_rows=*/1, /*halo_cols=*/1},
// CHECK-NEXT:     weft::rt::Footprint().write(A, 0),
// CHECK-NEXT:     [&](int i, int j) { A(i, j) = 0.25f * (A(i - 1, j) + A(i + 1, j) + A(i, j - 1) + A(i, j + 1)); });
// CHECK-NEXT: else
// CHECK-NEXT: for (int i = 1; i <= n; ++i)
// CHECK-NEXT: for (int j = 1; j <= n; ++j)
// CHECK-NEXT: A(i, j) = 0.25f * (A(i - 1, j) + A(i + 1, j) + A(i, j - 1) + A(i, j + 1));
// CHECK-NEXT: return A(1, 1);
