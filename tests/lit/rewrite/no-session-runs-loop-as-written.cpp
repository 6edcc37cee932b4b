// A loop in a function that a static initializer calls runs before main creates the
// session. Every rewritten loop runs its executor only when the process has a session
// (weft::rt::has_session()); otherwise the loop as written. The output compiles.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: FileCheck %s < %t.cpp
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

// expected-no-diagnostics

static weft::DistArray<float, 1> make_table() {
  weft::DistArray<float, 1> T({64});
  #pragma weft parallel_for
  for (int i = 0; i < 64; ++i)
    T(i) = 0.5f * i * i;
  return T;
}
static const weft::DistArray<float, 1> g_table = make_table();

int main() {
  weft::DistArray<float, 1> A({64});
  #pragma weft parallel_for
  for (int i = 0; i < 64; ++i) {
    A(i) = g_table(i) + 1.0f;
  }
  return A(3) > 0 ? 0 : 1;
}
// CHECK: if (weft::rt::has_session()) weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, 64},
// CHECK-NEXT: weft::rt::Footprint().write(T, 0),
// CHECK-NEXT: [&](int i) { T(i) = 0.5f * i * i; });
// CHECK-NEXT: else
// CHECK-NEXT: for (int i = 0; i < 64; ++i)
// CHECK-NEXT: T(i) = 0.5f * i * i;
// CHECK: if (weft::rt::has_session()) weft::rt::data_parallel(weft::rt::Session::current(), weft::rt::IndexRange{0, 64},
// CHECK-NEXT: weft::rt::Footprint().write(A, 0).read(g_table, 0),
// CHECK-NEXT: [&](int i) {
// CHECK-NEXT: A(i) = g_table(i) + 1.0f;
// CHECK-NEXT: });
// CHECK-NEXT: else
// CHECK-NEXT: for (int i = 0; i < 64; ++i) {
// CHECK-NEXT: A(i) = g_table(i) + 1.0f;
// CHECK-NEXT: }
