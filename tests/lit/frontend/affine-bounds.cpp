// Counted loops: <, <=, >, >=, != bounds, constant steps of either sign, triangular
// bounds over an enclosing dim, and sizes (v.size(), A.shape()[d]) as parameters.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>
#include <vector>

void bounds(weft::DistArray<float, 2> &A, const std::vector<float> &x, int n, int m) {
  #pragma weft parallel_for ordered
  for (int i = n - 1; i >= 0; --i) {
    for (int j = 0; j <= i; j += 2)
      A(i, j) = 0;
    for (long k = m; k > i; k--)
      A(i, k) = 1;
    for (int t = 0; t != n; ++t)
      A(t, i) = 2;
    for (size_t s = 0; s < x.size(); ++s)
      A(i, s) += x[s];
    for (int64_t r = 0; r < A.shape()[1]; r++)
      A(i, r) *= 2;
  }
}

// CHECK: kind: parallel_for ordered
// CHECK-NEXT: params: [n, m, x_size, A_shape1]
// CHECK: level 0 ({{.*}}:9:3): for i in [0, n - 1] step -1
// CHECK-NEXT: level 1 ({{.*}}:10:5): for j in [0, i] step 2, inside level 0
// CHECK-NEXT: level 2 ({{.*}}:12:5): for k in [i + 1, m] step -1, inside level 0
// CHECK-NEXT: level 3 ({{.*}}:14:5): for t in [0, n - 1] step 1, inside level 0
// CHECK-NEXT: level 4 ({{.*}}:16:5): for s in [0, x_size - 1] step 1, inside level 0
// CHECK-NEXT: level 5 ({{.*}}:18:5): for r in [0, A_shape1 - 1] step 1, inside level 0
// CHECK: S0 ({{.*}}:11:7): A(i, j) = 0
// CHECK-NEXT: domain: [n, m, x_size, A_shape1] -> { S0[i, j] : 0 <= i and i <= n - 1 and 0 <= j and j <= i and (j) mod 2 = 0 }
// CHECK: S1 ({{.*}}:13:7): A(i, k) = 1
// CHECK-NEXT: domain: [n, m, x_size, A_shape1] -> { S1[i, k] : 0 <= i and i <= n - 1 and i + 1 <= k and k <= m }
// The size and shape in the headers are parameters, not reads.
// CHECK-NOT: header
// CHECK-NOT: read x_size
