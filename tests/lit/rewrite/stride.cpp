// Steps other than 1: the executor runs the trip count, and the loop variable is
// recomputed from it (i = first + step * n) at the start of the body; arrays it reads are
// read whole (its index names no row). A loop that counts down by one runs its range in
// ascending order.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

double evens(int n) {
  weft::DistArray<float, 1> A({n + 1});
  A.randomize(7, 0.0f, 1.0f);
  weft::Accumulator<double> sum(0.0);
  #pragma weft parallel_for
  for (int i = 0; i < n; i += 2) {
    sum += A(i);
  }
  return sum.value();
}
// CHECK:      weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, weft::rt::trip_count(0, n, 2)},
// CHECK-NEXT:     weft::rt::Footprint().read(A).reduce(sum),
// CHECK-NEXT:     [&](std::int64_t weft_n) { const int i = static_cast<int>(0 + 2 * weft_n);
// CHECK-NEXT:     sum += A(i);
// CHECK-NEXT:   });

float down(int n) {
  weft::DistArray<float, 1> B({n + 1});
  #pragma weft parallel_for
  for (int i = n; i >= 0; --i)
    B(i) = 1.0f;
  return B(0);
}
// CHECK:      weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, n + 1},
// CHECK-NEXT:     weft::rt::Footprint().write(B, 0),
// CHECK-NEXT:     [&](int i) { B(i) = 1.0f; });
