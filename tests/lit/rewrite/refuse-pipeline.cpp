// A verified pipeline of element statements: the pipeline executor runs only weft::nn
// operations (whose treatment of a minibatch's rows is declared), so the loop stays
// sequential and the warning names the first statement it cannot run.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/weft.h>

float forward(int batches) {
  weft::DistArray<float, 1> x({batches}), h({batches}), y({batches});
  #pragma weft pipeline // expected-warning {{loop kept sequential: the pipeline executor cannot run it: 'h(b) = x(b) * 3' is not one call of a weft::nn operation (the pipeline executor runs only those) (its verdict is pipeline)}}
  for (int b = 0; b < batches; ++b) {
    h(b) = x(b) * 3;
    y(b) = h(b) + 1;
  }
  return y(0);
}
// CHECK: // weft: pipeline, but kept sequential: the pipeline executor cannot run it: 'h(b) = x(b) * 3' is
// CHECK-NEXT: // not one call of a weft::nn operation
// CHECK: for (int b = 0; b < batches; ++b) {
