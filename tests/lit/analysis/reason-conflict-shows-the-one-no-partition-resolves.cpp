// Of a loop's conflicts, the note shows one that no partition or rotation resolves: the
// accumulator's reset conflicts with every iteration, while the updates of W(key[0], 0)
// alone would be partitioned by key[0].
// RUN: %weftc %s -- -Xclang -verify
#include <weft/weft.h>

void epoch(const weft::SparseArray<float, 2> &R, weft::DistArray<float, 2> &W,
           weft::Accumulator<double> &loss) {
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two iterations access the same element and one writes it, and no partitioning of the iterations keeps them apart}}
  for (const auto &e : R) {
    W(e.key[0], 0) += e.value;
    if (e.key[0] == 20 && e.key[1] == 0) loss.reset(0.0); // expected-note {{iteration (key[0], key[1]) writes 'loss'}} expected-note {{that another iteration also writes}}
    loss += e.value;
  }
}
