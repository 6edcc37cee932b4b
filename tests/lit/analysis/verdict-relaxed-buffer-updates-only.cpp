// A loop whose only shared writes go through a weft::Buffer, and which never reads the
// Buffer's target: no dependence at all, but the updates are applied in batches, so the
// loop runs relaxed (not data_parallel), and the remark says so.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void count(int n, weft::DistArray<float, 1> &x) {
  weft::DistArray<float, 1> w({4});
  weft::Buffer<float, 1> dw(w, weft::apply_add, 100);
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    dw(0) += x(i);
}
// CHECK: "verdict": "relaxed",
// CHECK-NEXT: "why": "no iteration touches an element that another iteration writes, except through dw, whose updates are applied in batches of at most their max_delay"
