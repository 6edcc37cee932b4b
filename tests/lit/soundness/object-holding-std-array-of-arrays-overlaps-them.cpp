// A Layer holds its arrays in a std::array; the loop writes a.w[0](i + 1) and reads
// a.w[0](i) through a method of `a`, which reads the object whole. The object holds the
// std::array's DistArrays, so the two may overlap: sequential (weft once ran it
// data-parallel, with wrong sums on 2, 3 and 4 processes).
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

#include <array>

using A1 = weft::DistArray<double, 1>;

struct Layer {
  std::array<A1, 2> w{A1({1000}), A1({1000})};
  double get(int i) const { return w[0](i); }
};

struct Net {
  Layer a;
  void step() {
    #pragma weft parallel_for
    for (int i = 0; i < 999; ++i)
      a.w[0](i + 1) = a.get(i) + 1;
  }
};
// CHECK: "verdict": "sequential"
