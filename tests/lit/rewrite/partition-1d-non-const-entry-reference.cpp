// A range-for whose variable names the entry type as a reference to non-const
// (`weft::Entry<float, 2> &e`) and that only reads it: the executor hands the body a
// const entry, so the body's parameter becomes a reference to const, and the output
// compiles.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

void rows(weft::SparseArray<float, 2> &R, weft::DistArray<float, 2> &W) {
  #pragma weft parallel_for
  for (weft::Entry<float, 2> &e : R)
    W(e.key[0], 0) += e.value;
}
// CHECK:      weft::rt::partition_1d(weft::rt::Session::current(), R, /*dim=*/0,
// CHECK-NEXT:     weft::rt::Footprint().write(W, 0),
// CHECK-NEXT:     [&](const weft::Entry<float, 2> &e) {
// CHECK:      else
// CHECK-NEXT:   for (weft::Entry<float, 2> &e : R)

int main() { return 0; }
