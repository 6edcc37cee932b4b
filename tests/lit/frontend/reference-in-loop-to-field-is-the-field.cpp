// A reference declared in the loop and bound to a field of a variable declared before it
// (DistArray &dst = g.even) names that field in every iteration: the accesses are
// accesses of g.even, and the rewrite names g.even, never `dst`, before the loop.
// RUN: %weftc --emit=model %s | FileCheck %s
// RUN: %weftc %s -o %t.out.cpp
// RUN: FileCheck --check-prefix=REWRITE %s < %t.out.cpp
// RUN: %check_parallel %t.out.cpp
#include <weft/weft.h>

struct Grads {
  weft::DistArray<float, 1> even{std::array<int64_t, 1>{64}}, odd{std::array<int64_t, 1>{64}};
};

void fill(Grads &g) {
  #pragma weft parallel_for
  for (int i = 0; i < 64; ++i) {
    weft::DistArray<float, 1> &dst = g.even;
    dst(i) += 1.0f * i;
  }
}
// CHECK-NOT: array dst
// CHECK: array g.even: DistArray of float, rank 1, may alias
// CHECK-NOT: array dst
// CHECK: write g.even[i] (additive) `dst(i)`
// REWRITE: weft::rt::Footprint().write(g.even, 0)
// REWRITE-NOT: {{if \(weft::rt::dist}}inct
