// A key converted to uint8_t wraps around: keys 3 and 259 name the same B element.
// The conversion does not keep the value, so the subscript is not affine and the loop
// stays sequential (it was partition_1d on key[0], which loses updates).
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=model %s 2>/dev/null | FileCheck %s --check-prefix=MODEL
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <cstdint>

void histogram(const weft::SparseArray<float, 2> &R) {
  weft::DistArray<float, 1> B({256});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a subscript is not an affine expression, so the access may touch any element}} expected-note {{write the subscript as an affine expression of loop variables, sparse keys and loop-invariant integers (here 'b' holds a value that is not affine ('e.key[0]' converts 'long' to 'uint8_t', which may change the value))}}
  for (const auto &e : R) {
    const uint8_t b = e.key[0];
    B(b) += e.value; // expected-note {{iteration (key[0], key[1]) writes B[b]}} expected-note {{that another iteration reads B[b]}}
  }
}
// MODEL: subscript 0 `b` is not affine: 'b' holds a value that is not affine ('e.key[0]' converts 'long' to 'uint8_t', which may change the value)
// CHECK: "verdict": "sequential"
