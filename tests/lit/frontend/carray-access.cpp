// C arrays A[i][j] (globals and locals), subscripts kept per dimension.
// RUN: %weftc --emit=model %s | FileCheck %s
float G[100][50];

void copy_rows(int n) {
  float C[64][32] = {};
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    C[i][2 * i + 1] = G[i][0];
  (void)C;
}

// CHECK: array G: C array of float, rank 2
// CHECK-NEXT: array C: C array of float, rank 2
// CHECK: S0 ({{.*}}:9:5): C[i][2 * i + 1] = G[i][0]
// CHECK: read G[i, 0] `G[i][0]` at {{.*}}:9:23
// CHECK-NEXT: write C[i, 2*i + 1] `C[i][2 * i + 1]` at {{.*}}:9:5
