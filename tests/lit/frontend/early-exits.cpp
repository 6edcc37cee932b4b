// goto and throw leave the annotated loop: they are early exits, and every statement
// of the loop becomes conditional. An if with an initializer runs the initializer
// first, and a break inside a switch leaves only the switch.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>
#include <stdexcept>

void exits(weft::DistArray<float, 2> &W, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    switch (i % 3) {
    case 0:
      W(i, 0) = 1;
      break;
    default:
      W(i, 1) = 2;
    }
    if (i > 100)
      throw std::runtime_error("too large");
    if (i == 7)
      goto done;
    if (int q = i * 2; q > 4)
      W(q, 0) = 1;
  }
done:;
}
// CHECK: S0 ({{.*}}:11:13) conditional: switch (i % 3)
// CHECK: S4 ({{.*}}:19:7) conditional: throw std::runtime_error("too large")
// CHECK: S6 ({{.*}}:22:9) conditional: int q = i * 2;
// CHECK: S7 ({{.*}}:22:5) conditional: if (q > 4)
// CHECK: write W[2*i, 0] (may) `W(q, 0)`
// CHECK: early exit: throw at {{.*}}:19:7
// CHECK-NEXT: early exit: goto at {{.*}}:21:7
// CHECK-NOT: early exit: break
