// The inner of two annotated loops is honoured when the outer one stays sequential:
// every epoch updates s(0), so the epochs keep their order, while the sweep over the
// rows of W inside each epoch runs in parallel.
// RUN: %weftc %s -o %t.cpp 2>/dev/null
// RUN: FileCheck %s < %t.cpp
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

void sweep(weft::DistArray<float, 2> &W, weft::DistArray<float, 1> &s, int epochs, int n, int k) {
  #pragma weft parallel_for
  for (int epoch = 0; epoch < epochs; ++epoch) {
    s(0) += 1;
    #pragma weft parallel_for
    for (int i = 0; i < n; ++i)
      for (int c = 0; c < k; ++c)
        W(i, c) += 1;
  }
}
// CHECK: // weft: sequential: {{.*}}(was: #pragma weft parallel_for)
// CHECK-NEXT: for (int epoch = 0; epoch < epochs; ++epoch) {
// CHECK: weft::rt::data_parallel(
