// A copy of a key written through a cast of the lvalue: (int64_t &)u = 0 changes u, so
// W(u) is not W[key0]. The subscript is not affine: sequential.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <cstdint>

void clear(const weft::SparseArray<float, 2> &R, int64_t n) {
  weft::DistArray<float, 1> W({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a subscript is not an affine expression, so the access may touch any element}} expected-note {{write the subscript as an affine expression of loop variables, sparse keys and loop-invariant integers}}
  for (const auto &e : R) {
    int64_t u = e.key[0];
    const_cast<int64_t &>(u) = 0;
    W(u) += e.value; // expected-note {{iteration (key[0], key[1]) writes W[u]}} expected-note {{that another iteration reads W[u]}}
  }
}
// CHECK: "verdict": "sequential"
