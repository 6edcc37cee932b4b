// A counted loop without conflicts: data_parallel over an IndexRange. `i <= n` becomes
// the exclusive end n + 1, a body without braces gets them, and `continue` of the
// annotated loop becomes `return` (a continue of a nested loop stays).
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

#include <cstdint>

float scale(int64_t n, int m) {
  weft::DistArray<float, 2> X({n + 1, m}), Y({n + 1, m});
  X.randomize(1, -1.0f, 1.0f);
  #pragma weft parallel_for
  for (int64_t i = 0; i <= n; ++i) {
    if (X(i, 0) == 0.0f)
      continue;
    for (int j = 0; j < m; ++j) {
      if (j == 1)
        continue;
      Y(i, j) = 2.0f * X(i, j);
    }
  }
  return Y(0, 0);
}
// CHECK:      // weft: data_parallel: no iteration touches an element that another iteration writes
// CHECK-NEXT: weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, n + 1},
// CHECK-NEXT:     weft::rt::Footprint().write(Y, 0).read(X, 0),
// CHECK-NEXT:     [&, m](int64_t i) {
// CHECK-NEXT:     if (X(i, 0) == 0.0f)
// CHECK-NEXT:       return;
// CHECK:            continue;
// CHECK:        });

float fill(int n) {
  weft::DistArray<float, 1> Z({n});
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    Z(i) = 1.0f;
  return Z(0);
}
// CHECK:      weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, n},
// CHECK-NEXT:     weft::rt::Footprint().write(Z, 0),
// CHECK-NEXT:     [&](int i) { Z(i) = 1.0f; });

double count(int n) {
  weft::Accumulator<double> c(0.0);
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    c += 1.0;
  return c.value();
}
// A body that never names the loop variable: the parameter is [[maybe_unused]], so
// -Wextra's -Wunused-parameter stays quiet.
// CHECK:      weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, n},
// CHECK-NEXT:     weft::rt::Footprint().reduce(c),
// CHECK-NEXT:     [&]({{\[\[}}maybe_unused{{\]\]}} int i) { c += 1.0; });
