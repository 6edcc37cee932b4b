// Calls: library math and functions whose visible bodies write only their locals have
// no unknown effects; a function that writes through a reference parameter is analysed
// with the parameter bound to its argument (bump(g) reads and writes g); a function
// without a visible body, and a lambda that uses an array captured by reference, have
// unknown effects.
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
// CHECK: call external_update (unknown effects: its body is not visible) at {{.*}}:19:12
// CHECK: S2 ({{.*}}:20:5): bump(g)
// CHECK: read g[i] (may) `g`
// CHECK-NEXT: write g[i] (may) `g`
// CHECK-NEXT: call bump at
// CHECK: call lambda at {{.*}}:15:18 (unknown effects: it uses 'Y', captured by reference) at {{.*}}:21:5
