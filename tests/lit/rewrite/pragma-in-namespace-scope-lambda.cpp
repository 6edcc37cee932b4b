// A loop in a lambda that initializes a variable at namespace scope is in a function
// body (the lambda's): it is analysed and rewritten like a loop in a function.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

auto halve = [](weft::DistArray<float, 1> &A, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    A(i) = A(i) * 0.5f + 1.0f;
};

int main() {
  weft::DistArray<float, 1> A({8});
  halve(A, 8);
  return A(0) == 1.0f ? 0 : 1;
}
// CHECK:      auto halve = [](weft::DistArray<float, 1> &A, int n) {
// CHECK-NEXT:   // weft: data_parallel: no iteration touches an element that another iteration writes
// CHECK-NEXT:   if (weft::rt::has_session()) weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, n},
