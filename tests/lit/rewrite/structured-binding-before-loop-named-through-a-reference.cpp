// A structured binding declared before the loop cannot be captured by the body's lambda
// (not before C++20, and clang 14 not even then): the lambda names it through an
// init-capture by reference, and the rewritten program compiles with clang and gcc.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: FileCheck %s < %t.cpp
// RUN: %check_parallel_clang %t.cpp
// RUN: %check_parallel %t.cpp
// expected-no-diagnostics
#include <weft/weft.h>

float scale(const weft::SparseArray<float, 2> &R, weft::DistArray<float, 2> &W) {
  auto [nu, ni] = R.shape();
  #pragma weft parallel_for
  for (const auto &e : R) {
    W(e.key[0], 0) += e.value * static_cast<float>(nu) + static_cast<float>(ni);
  }
  return W(0, 0);
}
// CHECK: [&, &ni = ni, &nu = nu](const auto &e)
