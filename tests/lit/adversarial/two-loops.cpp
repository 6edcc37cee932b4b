// Two annotated loops in one function, each judged on its own:
// the first (unordered) writes y(i) from x(i) alone: data parallel;
// the second (ordered) is a prefix sum, y(i) += y(i - 1): iteration i reads what i - 1
// wrote, a flow of distance 1 in its only dim: sequential, carried_dependence.
// The first loop's writes to y do not make the second one's dependences, nor the
// second's make the first one sequential: each report entry is its own loop's.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void scaled_prefix(int n) {
  weft::DistArray<float, 1> x({n}), y({n});
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    y(i) = 2 * x(i);
  #pragma weft parallel_for ordered // expected-warning {{loop stays sequential: a dependence between iterations must keep its order, and no partition or wavefront schedule preserves it}}
  for (int i = 1; i < n; ++i)
    y(i) += y(i - 1); // expected-note {{iteration i writes y[i]}} expected-note {{that iteration i + 1 reads y[i - 1]}}
}
// CHECK: "line": 13,
// CHECK: "ordered": false,
// CHECK: "verdict": "data_parallel"
// CHECK: "line": 16,
// CHECK: "ordered": true,
// CHECK: "reason": "carried_dependence"
// CHECK: "verdict": "sequential"
