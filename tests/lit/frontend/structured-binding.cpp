// A range-for with a structured binding over a SparseArray: `key[d]` is the sparse key
// dim and `value` is R at the iteration's keys, reported where it is used.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>

void copy_in(weft::SparseArray<float, 2> &R, weft::DistArray<float, 2> &W) {
  #pragma weft parallel_for
  for (auto &[key, value] : R) {
    value = W(key[0], key[1]);
    W(key[0], 0) += value;
  }
}
// CHECK: level 0 ({{.*}}:8:3): for [key, value] in sparse R dims [key[0], key[1]]
// CHECK: S0 ({{.*}}:9:5): value = W(key[0], key[1])
// CHECK: read W[key0, key1] `W(key[0], key[1])` at {{.*}}:9:13
// CHECK-NEXT: write R[key0, key1] `value` at {{.*}}:9:5
// CHECK: S1 ({{.*}}:10:5): W(key[0], 0) += value
// CHECK: read R[key0, key1] `value` at {{.*}}:10:21
