// The loop of sparse-lr-direct.cpp without the bias: entry (r, f) reads and updates
// only w(f). Two entries conflict iff they have the same feature f = key[1] (and
// different examples): every conflict keeps key[1], so partitioning the entries by
// key[1] puts conflicting entries on one worker, and each worker may run its entries in
// any order since they commute (the loop is unordered): partition_1d on key[1].
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>
#include <cmath>

// expected-no-diagnostics

void sgd_lr(weft::SparseArray<float, 2> &X, int64_t examples, int64_t features) {
  weft::DistArray<float, 1> w({features}), y({examples});
  #pragma weft parallel_for
  for (const auto &e : X) {
    const float margin = w(e.key[1]) * e.value;
    const float p = 1.0f / (1.0f + std::exp(-margin));
    w(e.key[1]) += 0.1f * (y(e.key[0]) - p) * e.value;
  }
}
// CHECK: "distance": [
// CHECK-NEXT: "*",
// CHECK-NEXT: "0"
// CHECK: "partition_dim": "key[1]"
// CHECK: "verdict": "partition_1d"
