// --explain says how the generated program runs each loop: a loop whose wavefront the
// rewrite cannot run (its inner loop breaks out) is reported as running sequentially,
// with the proven schedule and the rewrite's reason, never as a wavefront.
// RUN: %weftc --explain %s -o %t.cpp 2>%t.err
// RUN: FileCheck %s < %t.err
#include <weft/weft.h>

void sweep(int n) {
  weft::DistArray<float, 2> A({n, n});
  #pragma weft parallel_for ordered
  for (int i = 1; i < n; ++i)
    for (int j = 1; j < n; ++j) {
      if (A(i - 1, j) < 0.0f)
        break;
      A(i, j) = A(i - 1, j) + A(i, j - 1);
    }
}
// CHECK: warning: loop kept sequential: 'break' leaves the loop around its body
// CHECK: remark: loop runs sequentially although wavefront is proven: 'break' leaves the loop around its body
// CHECK-NOT: loop runs as wavefront
