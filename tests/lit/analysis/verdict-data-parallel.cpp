// Every iteration writes its own element and the loss is an Accumulator: the loop is
// data parallel with one reduction.
// RUN: %weftc --emit=report --explain %s 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=EXPLAIN < %t.err
#include <weft/weft.h>

double scale(int n) {
  weft::DistArray<float, 1> x({n}), y({n});
  weft::Accumulator<double> loss(0.0);
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    y(i) = 2 * x(i);
    loss += y(i) * y(i);
  }
  return loss.value();
}
// CHECK: "carries_dependence": false
// CHECK: "reasons": []
// CHECK: "reductions": [
// CHECK-NEXT: "loss"
// CHECK: "verdict": "data_parallel"
// EXPLAIN: remark: loop runs as data_parallel: no iteration touches an element that another iteration writes
