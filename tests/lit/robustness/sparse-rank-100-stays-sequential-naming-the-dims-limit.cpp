// A SparseArray of rank 100 gives its loop 100 dims, past the 12 the dependence analysis
// takes: isl's eliminations, which its operation limit does not count, grow
// exponentially with the dims (rank 40 ended in an isl internal error, rank 100 ran
// unbounded). The loop stays sequential, at once, with a warning that names the limit,
// and both emit modes finish well within the timeout.
// RUN: timeout 30 %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: timeout 30 %weftc --emit=report %s | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

#include <cstdint>

void sum_rows(weft::SparseArray<float, 100> &R, int64_t n) {
  weft::DistArray<float, 2> W({n, 4});
  weft::Accumulator<double> total(0.0);
  #pragma weft parallel_for // expected-warning {{loop stays sequential: the loop has more dims than the dependence analysis takes}}
  for (const auto &e : R) {
    W(e.key[0], 0) += e.value; // expected-note {{this statement runs in 100 loop dims (key[0], key[1], ..., key[99]); the dependence analysis takes at most 12}}
    total += e.value;
  }
}
// CHECK: "proven": "sequential",
// CHECK: "reason": "model_too_large"
// CHECK: "verdict": "sequential",
