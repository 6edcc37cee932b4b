// A virtual method called on an object whose class is final dispatches to that class's
// override only: weft summarizes it like any call. Its body writes nothing shared, so
// the loop is data parallel.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck %s
#include <weft/weft.h>

// expected-no-diagnostics

struct Base {
  virtual float eval(float x) const { return x; }
  virtual ~Base() = default;
};
struct Doubling final : Base {
  float eval(float x) const override { return 2 * x; }
};

void apply(int n, const Doubling &d) {
  weft::DistArray<float, 1> x({n}), y({n});
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    y(i) = d.eval(x(i));
}
// CHECK: "verdict": "data_parallel"
