// Calls: library math and functions whose visible bodies write only their locals have
// no unknown effects; a function without a visible body, one that writes through a
// reference parameter, and a lambda that writes a captured array do.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>
#include <cmath>

float external_update(float x);
static float square(float x) { return x * x; }
static void bump(float &x) { x += 1; }

void calls(weft::DistArray<float, 1> &Y, int n) {
  auto add_one = [&](int i) { Y(i) += 1; };
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    float g = std::exp(Y(i)) + square(Y(i));
    Y(i) = external_update(g);
    bump(g);
    add_one(i);
  }
}

// CHECK: call std::exp at
// CHECK-NEXT: call square at
// CHECK: call external_update (unknown effects: its body is not visible) at {{.*}}:17:12
// CHECK: S2 ({{.*}}:18:5): bump(g)
// CHECK: read g[i] (may) `g`
// CHECK-NEXT: write g[i] (may) `g`
// CHECK-NEXT: call bump (unknown effects: it writes 'x')
// CHECK: call lambda at {{.*}}:13:18 (unknown effects: it writes 'Y(i)') at {{.*}}:19:5
