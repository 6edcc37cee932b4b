// std::vector::at throws std::out_of_range for an index the program may pass on
// purpose, and a try around the loop may catch it: like a throw statement, the call
// is an early exit, and the loop stays sequential.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <stdexcept>
#include <vector>

int weigh(weft::DistArray<float, 1> &W, const std::vector<float> &weight, int n) {
  int bad = 0;
  try {
    #pragma weft parallel_for // expected-warning {{loop stays sequential: the loop may be left early, so which iterations run depends on the data}} expected-note {{let every iteration run to its end}}
    for (int i = 0; i < n; ++i)
      W(i) += weight.at(i); // expected-note {{'throw (in std::vector::at)' leaves the loop}}
  } catch (const std::out_of_range &) {
    ++bad;
  }
  return bad;
}
// CHECK: "detail": "'throw (in std::vector::at)' leaves the loop"
// CHECK: "verdict": "sequential"
