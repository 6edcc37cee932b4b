// A file without `#pragma weft` has no loop models, and weftc succeeds.
// RUN: %weftc --emit=model %s | FileCheck %s
int sum(const int *x, int n) {
  int s = 0;
  for (int i = 0; i < n; ++i)
    s += x[i];
  return s;
}
// CHECK: file {{.*}}no-pragmas.cpp: 0 annotated loops
// CHECK-NOT: loop at
