// Virtual dispatch: the static callee Base::eval writes nothing, but the override that
// runs (Counting::eval) increments a counter through a pointer. weft cannot know which
// override runs: the call has unknown effects.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct Base {
  virtual float eval(float x) const { return x; }
  virtual ~Base() = default;
};
struct Counting : Base {
  int *count;
  float eval(float x) const override {
    ++*count;
    return x;
  }
};

void apply(int n, const Base &base) {
  weft::DistArray<float, 1> x({n}), y({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{call a non-virtual function, or keep the call out of the loop}}
  for (int i = 0; i < n; ++i)
    y(i) = base.eval(x(i)); // expected-note {{'Base::eval' may have effects: it is a virtual call, and the override that runs is not known}}
}
// CHECK: "reason": "unknown_call"
// CHECK: "verdict": "sequential"
