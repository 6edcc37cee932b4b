// std::vector v[i] and nested vectors vv[i][j]; std::array counts as a vector.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <array>
#include <vector>

void update(int n) {
  std::vector<float> v(n);
  std::vector<std::vector<double>> vv(n, std::vector<double>(4));
  std::array<int, 8> st{};
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    v[i] = v[n - 1 - i];
    vv[i][3] *= 2.0;
    st[3] = i;
  }
}

// CHECK: array v: vector of float, rank 1
// CHECK-NEXT: array vv: vector of double, rank 2
// CHECK-NEXT: array st: vector of int, rank 1
// CHECK: read v[n - i - 1] `v[n - 1 - i]`
// CHECK-NEXT: write v[i] `v[i]`
// CHECK: read vv[i, 3] `vv[i][3]`
// CHECK-NEXT: write vv[i, 3] `vv[i][3]`
// CHECK: write st[3] `st[3]`
