// --explain names the executor that runs the loop, and the proven schedule when the
// two differ: a partitioned loop that updates through a Buffer runs as relaxed.
// RUN: %weftc --explain %s -o %t.cpp 2>%t.err
// RUN: FileCheck %s < %t.err
#include <weft/weft.h>

void scatter(weft::SparseArray<float, 2> &R, weft::DistArray<float, 1> &W,
             weft::DistArray<float, 1> &H) {
  weft::Buffer<float, 1> dH(H, weft::apply_add, 100);
  #pragma weft parallel_for
  for (const auto &e : R) {
    W(e.key[0]) = e.value;
    dH(e.key[1]) += e.value;
  }
}
// CHECK: remark: loop runs as relaxed (proven partition_1d)
// CHECK-NOT: warning
