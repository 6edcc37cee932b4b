// A static local declared in the loop body is one variable for every iteration: it is
// not privatized, so updating it is a conflict.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void count_calls(int n) {
  weft::DistArray<int, 1> A({n});
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    static int calls = 0;
    calls += 1;
    A(i) = calls;
  }
}
// CHECK: "reason": "shared_scalar"
// CHECK: "verdict": "sequential"
