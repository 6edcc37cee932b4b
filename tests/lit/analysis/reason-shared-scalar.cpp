// A float declared outside the loop and updated with += by every iteration: weft says
// to make it an Accumulator.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

float total(int n) {
  weft::DistArray<float, 1> x({n});
  float sum = 0;
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a variable declared outside the loop is written by every iteration}} expected-note {{declare 'sum' as weft::Accumulator<float> to make its updates a reduction}}
  for (int i = 0; i < n; ++i)
    sum += x(i); // expected-note {{iteration i writes 'sum'}} expected-note {{that another iteration reads 'sum'}}
  return sum;
}
// CHECK: "fix": "declare 'sum' as weft::Accumulator<float> to make its updates a reduction"
// CHECK: "reason": "shared_scalar"
