// `const auto [a, b] = std::make_tuple(...)` in the loop: the bindings are parts of the
// iteration's own copy of a tuple of values, private to the iteration, so the loop is
// data-parallel (it stayed sequential with "'W' and 'a' may be the same storage").
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

#include <tuple>
#include <utility>

void f(weft::DistArray<double, 1> &W, const weft::DistArray<double, 1> &X, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    const auto [a, b] = std::make_tuple(X(i), 2.0 * X(i));
    auto [c, d] = std::pair<double, double>(X(i), 0.5);
    c += a;
    W(i) = b + c + d;
  }
}
// CHECK: "verdict": "data_parallel"
