// Collapsed Gibbs sampling for LDA (samples/lda): document-topic counts conflict only at
// the same key[0], word-topic counts only at the same key[1], and the topic totals, which
// every token changes, go through a Buffer. The totals' conflicts are relaxable (Buffer
// updates against reads of their target), so they do not stand in the way: the other
// conflicts fit rotation_2d, and the Buffer is reported with it.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>
#include <cstdint>

void sweep(const weft::SparseArray<int, 3> &tokens, int64_t docs, int64_t words, int64_t length, int K) {
  weft::DistArray<int, 2> Z({docs, length}), ndk({docs, K}), nwk({words, K});
  weft::DistArray<int, 1> nk({K});
  weft::Buffer<int, 1> dnk(nk, weft::apply_add, 1000);
  #pragma weft parallel_for
  for (const auto &e : tokens) {
    const int64_t d = e.key[0], w = e.key[1], pos = e.key[2];
    const int old_topic = Z(d, pos);
    ndk(d, old_topic) -= 1;
    nwk(w, old_topic) -= 1;
    dnk(old_topic) += -1;
    double best = -1.0;
    int new_topic = 0;
    for (int k = 0; k < K; ++k) {
      const double p = (ndk(d, k) + 0.1) * (nwk(w, k) + 0.01) / (nk(k) + 1.0);
      new_topic = p > best ? k : new_topic;
      best = p > best ? p : best;
    }
    Z(d, pos) = new_topic;
    ndk(d, new_topic) += 1;
    nwk(w, new_topic) += 1;
    dnk(new_topic) += 1;
  }
}
// CHECK: "buffers": [
// CHECK-NEXT: "dnk"
// CHECK-NEXT: ],
// CHECK: "array": "dnk",
// CHECK: "relaxable": true
// CHECK: "reasons": [],
// CHECK: "space_dim": "key[0]"
// CHECK: "time_dim": "key[1]"
// CHECK: "verdict": "rotation_2d"
// CHECK-NEXT: "why": "no two conflicting iterations (updates through dnk aside, which may be stale by at most their max_delay updates) differ in both key[0] and key[1]
