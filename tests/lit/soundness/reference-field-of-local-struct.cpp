// A local struct whose field is a reference bound to W(i / 2): writing through the field
// writes W, not the iteration's copy of the struct. Iterations 2k and 2k + 1 write one
// element: sequential, never data_parallel.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct Ref {
  float &to;
};

void halve(weft::DistArray<float, 1> &W, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    Ref r{W(i / 2)};
    r.to += 1.0f;
  }
}
// CHECK: "verdict": "sequential"
