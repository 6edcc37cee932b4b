// A range-for whose variable is a reference to non-const (`auto &e`) and that only reads
// it: the executor's body takes a const reference, which binds to the entry rotation_2d
// rebuilds from its packed plan, and the output compiles.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

void epoch(weft::SparseArray<float, 2> &R, weft::DistArray<float, 2> &W,
           weft::DistArray<float, 2> &H) {
  #pragma weft parallel_for
  for (auto &e : R) {
    for (int k = 0; k < 2; ++k) {
      W(e.key[0], k) += e.value;
      H(e.key[1], k) += 1.0f;
    }
  }
}
// CHECK:      weft::rt::rotation_2d(weft::rt::Session::current(), R, /*space=*/0, /*time=*/1,
// CHECK-NEXT:     weft::rt::Footprint().write(W, 0).write(H, 1),
// CHECK-NEXT:     [&](const auto &e) {
// CHECK:      else
// CHECK-NEXT:   for (auto &e : R) {

int main() { return 0; }
