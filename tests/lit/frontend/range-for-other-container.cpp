// A range-for over something other than a weft::SparseArray is an unknown level;
// writes through its reference variable go to some element of the container.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <vector>

void zero(std::vector<float> &v) {
  #pragma weft parallel_for
  for (float &x : v)
    x = 0;
}
// CHECK: level 0 ({{.*}}:8:3): loop x with unknown trip count
// CHECK-NEXT: imprecise: range-for over 'v', which is not a weft::SparseArray variable
// CHECK: write v[?] `x`
// CHECK-NEXT: subscript 0 `x` is not affine: 'x' is an element of a range-for over 'v'
