// A SparseArray of rank 12 is within the dims the dependence analysis takes
// (Options::max_loop_dims): its loop is analysed and rewritten (partition_1d by key[0]).
// RUN: timeout 60 %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: timeout 60 %weftc --emit=report %s | FileCheck %s
// RUN: %check_parallel %t.cpp
// expected-no-diagnostics
#include <weft/weft.h>

#include <cstdint>

void sum_rows(weft::SparseArray<float, 12> &R, int64_t n) {
  weft::DistArray<float, 2> W({n, 4});
  weft::Accumulator<double> total(0.0);
  #pragma weft parallel_for
  for (const auto &e : R) {
    W(e.key[0], 0) += e.value;
    total += e.value;
  }
}
// CHECK: "verdict": "partition_1d",
