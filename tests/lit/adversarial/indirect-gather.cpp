// Unordered loop that gathers through an index array: iteration i reads A[idx(i)] and
// writes y(i). The subscript idx(i) is not affine, but A and idx are never written, so
// whatever elements the reads touch, no iteration writes them; y(i) is written by
// iteration i alone. No conflict: data parallel (an unknown subscript matters only on
// an array the loop writes).
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

// expected-no-diagnostics

void gather(int n, int m) {
  weft::DistArray<float, 1> A({m}), y({n});
  weft::DistArray<int, 1> idx({n});
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    y(i) = 2 * A(idx(i));
}
// CHECK: "dependences": [],
// CHECK: "reasons": [],
// CHECK: "verdict": "data_parallel"
