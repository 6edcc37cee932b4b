// References resolve to the array they name, so two names of one array are one array;
// a pointer into an array is its own array that may alias anything.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>

void shift(int n) {
  weft::DistArray<double, 1> Y({n + 1});
  auto &alias = Y;
  weft::DistArray<double, 1> &alias2 = alias;
  double *raw = &Y(0);
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    alias(i) = Y(i + 1);
    alias2(i + 1) = 0;
    raw[i] = 1;
  }
}

// CHECK: array Y: DistArray of double, rank 1
// CHECK-NEXT: array raw: pointer of double, rank 1, may alias
// CHECK-NOT: array alias
// CHECK: read Y[i + 1] `Y(i + 1)`
// CHECK-NEXT: write Y[i] `alias(i)`
// CHECK: write Y[i + 1] `alias2(i + 1)`
// CHECK: write raw[i] `raw[i]`
