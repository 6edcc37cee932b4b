// A range-for with a structured binding: the lambda takes the entry and binds the same
// names first thing in its body.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

double total(const char* path) {
  const weft::SparseArray<float, 2> R = weft::load_triples<float, 2>(path);
  weft::Accumulator<double> sum(0.0);
  #pragma weft parallel_for
  for (const auto& [key, value] : R) {
    sum += value * static_cast<double>(key[0] + 1);
  }
  return sum.value();
}
// CHECK:      weft::rt::data_parallel(weft::rt::Session::current(), R,
// CHECK-NEXT:     weft::rt::Footprint().reduce(sum),
// CHECK-NEXT:     [&](const auto& weft_entry) { const auto& [key, value] = weft_entry;
// CHECK-NEXT:     sum += value * static_cast<double>(key[0] + 1);
// CHECK-NEXT:   });
