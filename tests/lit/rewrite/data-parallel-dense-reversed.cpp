// A counted loop that writes its rows backwards (Y(n - 1 - i)): data_parallel over the
// index range, Y's rows named through the map row = (n - 1) - i.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

#include <cstdint>

double reverse(int64_t n) {
  weft::DistArray<double, 1> X({n}), Y({n});
  #pragma weft parallel_for
  for (int64_t i = 0; i < n; ++i)
    Y(n - 1 - i) = 2.0 * X(i);
  return Y(0);
}
// CHECK:      // weft: data_parallel: no iteration touches an element that another iteration writes
// CHECK-NEXT: weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, n},
// CHECK-NEXT:     weft::rt::Footprint().write(Y, 0, weft::rt::RowMap{-1, static_cast<std::int64_t>(n) - 1}).read(X, 0),
