// Reading an accumulator inside the loop sees a partial value.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void running(int n) {
  weft::DistArray<float, 1> A({n}), x({n});
  weft::Accumulator<double> acc(0.0);
  #pragma weft parallel_for // expected-warning {{loop stays sequential: an accumulator is read inside the loop, where its value is partial}} expected-note {{read the accumulator's value after the loop}}
  for (int i = 0; i < n; ++i) {
    acc += x(i);
    A(i) = acc.value(); // expected-note {{'acc.value()' reads the accumulator 'acc' inside the loop}}
  }
}
// CHECK: "reason": "accumulator_read"
