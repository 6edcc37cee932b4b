// Sparse logistic regression by SGD over the non-zeros X(example, feature) of a
// weft::SparseArray<float, 2>, updating the shared weights w directly: each entry
// reads w(feature) and the bias w(features), and adds its gradient to both.
// Entries (r, f) and (r', f') conflict on w(f) when f = f' (any r, r') and on the bias
// always: the bias conflict relates entries that differ in both keys, so neither a
// partition by key[0] or key[1] nor a 2-D rotation keeps conflicting entries apart.
// The updates are += on a DistArray, which a weft::Buffer could carry with bounded
// staleness: sequential, reason conflict, with the Buffer fix note. The note shows a
// conflict between entries that differ in both keys (the bias's write), not one that a
// partition by key[1] would resolve.
// (Without the bias term only entries with the same feature conflict, and partitioning
// by key[1] is valid: sparse-lr-per-feature.cpp.)
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <cmath>

void sgd_lr(weft::SparseArray<float, 2> &X, int64_t examples, int64_t features) {
  weft::DistArray<float, 1> w({features + 1}), y({examples});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two iterations access the same element and one writes it, and no partitioning of the iterations keeps them apart}} expected-note {{update 'w' through a weft::Buffer to allow bounded staleness}}
  for (const auto &e : X) {
    const float margin = w(e.key[1]) * e.value + w(features); // expected-note {{that another iteration reads w[key[1]]}}
    const float p = 1.0f / (1.0f + std::exp(-margin));
    const float g = y(e.key[0]) - p;
    w(e.key[1]) += 0.1f * g * e.value;
    w(features) += 0.1f * g; // expected-note {{iteration (key[0], key[1]) writes w[features]}}
  }
}
// CHECK: "fix": "update 'w' through a weft::Buffer to allow bounded staleness"
// CHECK: "reason": "conflict"
// CHECK: "verdict": "sequential"
