// The loop writes v[0](i + 1) and a helper reads v[0](i) through a const reference to
// the vector: the vector holds its DistArrays, so the whole-vector read may overlap the
// element's writes. Sequential (weft once ran it data-parallel, with wrong sums on 2, 3
// and 4 processes).
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

#include <vector>

using A1 = weft::DistArray<double, 1>;

double before(const std::vector<A1> &v, int i) { return v[0](i); }

void step(std::vector<A1> &v) {
  #pragma weft parallel_for
  for (int i = 0; i < 999; ++i)
    v[0](i + 1) = before(v, i) + 1;
}
// CHECK: "verdict": "sequential"
