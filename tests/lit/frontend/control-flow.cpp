// Conditional execution: statements under an if, and those after a continue, may not
// run in an iteration (their accesses are 'may'); a break leaves the annotated loop
// and is recorded as an early exit.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>

void clip(weft::DistArray<float, 1> &A, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    if (A(i) < 0)
      continue;
    A(i) = 1;
  }
}

void find(weft::DistArray<float, 1> &A, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    A(i) = 2;
    if (A(i) > 1)
      break;
  }
}

// CHECK: file {{.*}}: 2 annotated loops
// CHECK: S0 ({{.*}}:10:5): if (A(i) < 0)
// CHECK: read A[i] `A(i)`
// CHECK: S1 ({{.*}}:12:5) conditional: A(i) = 1
// CHECK: write A[i] (may) `A(i)`
// CHECK: loop at {{.*}}:18:3
// A break ends the loop early: no statement runs in every iteration.
// CHECK: S0 ({{.*}}:19:5) conditional: A(i) = 2
// CHECK: early exit: break at {{.*}}:21:7
