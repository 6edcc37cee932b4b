// A copy of the sparse entry whose key subscripts an array: copy.key[0] is an element
// of a field of a local object, recorded as an access to the whole copy (weftc used to
// stop with an isl assertion here). The subscript is not affine: sequential.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

void f(weft::SparseArray<float, 2> &R, weft::DistArray<float, 2> &W) {
  #pragma weft parallel_for
  for (const auto &e : R) {
    const auto copy = e;
    W(copy.key[0], 0) += e.value;
  }
}
// CHECK: "verdict": "sequential"
