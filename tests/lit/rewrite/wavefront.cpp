// Edit distance: an ordered 2D recurrence whose dependences point up and left by at most
// one: the wavefront executor with halos of 1 over the rectangle [1, n] x [1, m]; the
// two loop headers and the outer braces go, the inner body stays.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

#include <algorithm>
#include <cstdint>
#include <vector>

int32_t distance(const std::vector<char>& a, const std::vector<char>& b) {
  const int64_t n = static_cast<int64_t>(a.size()), m = static_cast<int64_t>(b.size());
  weft::DistArray<int32_t, 2> D({n + 1, m + 1});
  for (int64_t i = 0; i <= n; ++i) D(i, 0) = static_cast<int32_t>(i);
  for (int64_t j = 0; j <= m; ++j) D(0, j) = static_cast<int32_t>(j);
  #pragma weft parallel_for ordered
  for (int64_t i = 1; i <= n; ++i) {
    for (int64_t j = 1; j <= m; ++j) {
      const int32_t substitute = D(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0 : 1);
      D(i, j) = std::min(substitute, std::min(D(i - 1, j), D(i, j - 1)) + 1);
    }
  }
  return D(n, m);
}
// CHECK:      // weft: wavefront: every dependence advances i + j, so the iterations of one wavefront run at
// CHECK-NEXT: // once
// CHECK-NEXT: weft::rt::wavefront(weft::rt::Session::current(), weft::rt::Wavefront{{[{][{]}}1, n + 1}, {1, m + 1}, /*halo_rows=*/1, /*halo_cols=*/1},
// CHECK-NEXT:     weft::rt::Footprint().write(D, 0),
// CHECK-NEXT:     [&](int64_t i, int64_t j) {
// CHECK-NEXT:       const int32_t substitute
// CHECK-NEXT:       D(i, j) = std::min(
// CHECK-NEXT:     });
// CHECK-NEXT:   else
// CHECK-NEXT:     for (int64_t i = 1; i <= n; ++i) {
// CHECK-NEXT:     for (int64_t j = 1; j <= m; ++j) {
// CHECK-NEXT:       const int32_t substitute
// CHECK-NEXT:       D(i, j) = std::min(
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   return D(n, m);
