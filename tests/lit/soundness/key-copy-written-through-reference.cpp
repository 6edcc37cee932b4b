// A copy of a key written through a reference: u starts as key[0], r = n - r rewrites
// it through r. W(u) is not W[key0]: the subscript is not affine, sequential.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <cstdint>

void reflect(const weft::SparseArray<float, 2> &R, int64_t n) {
  weft::DistArray<float, 1> W({n + 1});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a subscript is not an affine expression, so the access may touch any element}} expected-note {{write the subscript as an affine expression of loop variables, sparse keys and loop-invariant integers}}
  for (const auto &e : R) {
    int64_t u = e.key[0];
    int64_t &r = u;
    r = n - r;
    W(u) += e.value; // expected-note {{iteration (key[0], key[1]) writes W[u]}} expected-note {{that another iteration reads W[u]}}
  }
}
// CHECK: "verdict": "sequential"
