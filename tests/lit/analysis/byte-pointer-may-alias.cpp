// A byte pointer may view any array: writing through it conflicts with the float array.
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

void poke(float *x, unsigned char *bytes, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    bytes[4 * i] = 0;
    x[i] = 1.0f;
  }
}
// CHECK: "reason": "may_alias"
// CHECK: "verdict": "sequential"
