// Unordered loop that writes its own element A(i) from several elements of B, an array
// it never writes: B(i), B(i + 1) and B(n - 1 - i). Iterations share elements of B
// (iteration i + 1 reads B(i + 1) too; i and n - 1 - i read the same B(n - 1 - i)), but
// reads never conflict; A(i) is touched by iteration i alone. Data parallel.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

// expected-no-diagnostics

void smooth(int n) {
  weft::DistArray<float, 1> A({n}), B({n + 1});
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    A(i) = (B(i) + B(i + 1) + B(n - 1 - i)) / 3;
}
// CHECK: "dependences": [],
// CHECK: "dims": [
// CHECK-NEXT: {
// CHECK-NEXT: "carries_dependence": false,
// CHECK-NEXT: "name": "i"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK: "verdict": "data_parallel"
