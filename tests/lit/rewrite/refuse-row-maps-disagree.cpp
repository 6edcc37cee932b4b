// partition_1d by key[0], but V's rows are n - 1 - key[0] and W's are key[0]: the
// executor gives every written array of a key the same map, so the loop stays sequential
// with a warning that names both arrays and their rows.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/weft.h>

#include <cstdint>

float mixed(const weft::SparseArray<float, 2> &R, int64_t n, int K) {
  weft::DistArray<float, 2> V({n, K}), W({n, K});
  #pragma weft parallel_for // expected-warning {{loop kept sequential: its written arrays name their rows by key[0] in different ways ('V' at n - key[0] - 1, 'W' at key[0]), and the executor gives every written array of a key the same map (its verdict is partition_1d)}}
  for (const auto &e : R) {
    for (int k = 0; k < K; ++k) {
      V(n - 1 - e.key[0], k) += e.value;
      W(e.key[0], k) += e.value;
    }
  }
  return V(0, 0) + W(0, 0);
}
// CHECK: // weft: partition_1d, but kept sequential: its written arrays name their rows by key[0] in
// CHECK: for (const auto &e : R) {
