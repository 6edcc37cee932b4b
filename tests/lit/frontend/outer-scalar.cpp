// Scalars declared outside the loop: writes are recorded (every iteration shares
// them); reads of scalars the loop never writes are loop invariants and are not.
// RUN: %weftc --emit=model %s | FileCheck %s
double total;

void sum(const float *x, int n, float scale) {
  int count = 0;
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    total += scale * x[i];
    ++count;
  }
}

// CHECK: array x: pointer of float, rank 1, may alias
// CHECK-NEXT: array total: scalar of double, rank 0
// CHECK-NEXT: array count: scalar of int, rank 0
// CHECK-NOT: array scale
// CHECK: S0 ({{.*}}:10:5): total += scale * x[i]
// CHECK: read x[i] `x[i]`
// CHECK-NEXT: read total (additive) `total`
// CHECK-NEXT: write total (additive) `total`
// CHECK: S1 ({{.*}}:11:5): ++count
// CHECK: read count `count`
// CHECK-NEXT: write count `count`
