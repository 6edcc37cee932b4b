// A range-for over layers inside the annotated loop writes layer.w: the DistArray is
// another one in each inner iteration, and `layer` does not exist before the loop, where
// the Footprint is placed. An unknown effect naming the field: sequential, never
// data_parallel.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <vector>

struct Layer {
  weft::DistArray<float, 1> w{std::array<int64_t, 1>{30}};
};

void train(weft::SparseArray<float, 2> &R, std::vector<Layer> &layers,
           weft::DistArray<float, 1> &H) {
  #pragma weft parallel_for // expected-warning {{loop stays sequential: an expression may read or write memory weft cannot name}} expected-note {{write the expression with DistArray elements, locals and visible functions}}
  for (const auto &e : R) {
    const int64_t u = e.key[0], i = e.key[1];
    for (auto &layer : layers)
      layer.w(u) += e.value * H(i); // expected-note {{'layer.w' names an array through 'layer', which the loop declares: it may be another array in another iteration, and weft names each array once, before the loop}}
  }
}
// CHECK: "reason": "unknown_effect"
// CHECK: "verdict": "sequential"
