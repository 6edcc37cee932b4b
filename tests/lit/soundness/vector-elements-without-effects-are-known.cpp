// std::vector<Point> of a struct whose default member initializers have no effects:
// constructing and resizing it runs only transparent constructors, and the loop is
// parallel.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <vector>

// expected-no-diagnostics

struct Point {
  float x = 0.0f, y = 1.0f;
};

void points(int n) {
  weft::DistArray<float, 1> A({n});
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    std::vector<Point> ps(2);
    ps.resize(3);
    Point p = ps[2];
    A(i) = p.x + p.y;
  }
}
// CHECK: "verdict": "data_parallel"
