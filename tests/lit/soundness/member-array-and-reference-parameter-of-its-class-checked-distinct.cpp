// In a method, the loop writes the object's W and reads other.W, where `other` is a
// reference parameter of the same class: it may be *this, so the rewrite guards the
// parallel loop with the run-time check that the two arrays are different objects.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

struct Model {
  weft::DistArray<double, 1> W{{100}};
  void shift(Model &other, int n) {
    #pragma weft parallel_for
    for (int i = 0; i < n - 1; ++i)
      W(i) = other.W(i + 1);
  }
};

int main() {
  Model a;
  a.shift(a, 100);
  return 0;
}
// CHECK: if (weft::rt::has_session() && weft::rt::distinct({{[{][{]}}&other.W, &W{{[}][}]}}, "{{.*}}member-array-and-reference-parameter-of-its-class-checked-distinct.cpp:12:5"))
