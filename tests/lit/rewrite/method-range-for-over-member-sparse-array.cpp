// A method's range-for over the object's own SparseArray (R, a field named through the
// implicit this) updates the object's factor arrays: the loop is over the entries of one
// array, like a range-for over a variable, and runs as rotation_2d.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

#include <utility>
#include <vector>

class Trainer {
public:
  Trainer(int n, std::vector<weft::Entry<double, 2>> entries)
      : R(std::move(entries)), W({n, 4}), H({n, 4}) {}
  void epoch() {
    #pragma weft parallel_for
    for (const auto &e : R)
      for (int k = 0; k < 4; ++k) {
        W(e.key[0], k) += e.value;
        H(e.key[1], k) -= e.value;
      }
  }

private:
  weft::SparseArray<double, 2> R;
  weft::DistArray<double, 2> W, H;
};

int main() {
  Trainer t(4, {{{0, 1}, 1.0}, {{2, 3}, 2.0}});
  t.epoch();
  return 0;
}
// CHECK:      if (weft::rt::has_session()) weft::rt::rotation_2d(weft::rt::Session::current(), R, /*space=*/0, /*time=*/1,
// CHECK-NEXT:     weft::rt::Footprint().write(W, 0).write(H, 1),
