// A sequential verdict: the loop stays byte for byte and its pragma becomes a comment
// that says why (compilers would warn about the unknown pragma). main still gets the
// Session: the program takes the runtime's options and prints once under mpirun.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>
// CHECK: #include <weft/weft.h>
// CHECK-NEXT: #include <weft/parallel.h>

float prefix(int n) {
  weft::DistArray<float, 1> A({n});
  #pragma weft parallel_for ordered // expected-warning {{loop stays sequential: a dependence between iterations must keep its order}}
  for (int i = 1; i < n; ++i)
    A(i) = A(i - 1) + 1.0f; // expected-note {{iteration i writes A[i]}} expected-note {{that iteration i + 1 reads A[i - 1]}}
  return A(n - 1);
}
// CHECK:      // weft: sequential: a dependence between iterations must keep its order, and no partition or
// CHECK-NEXT: // wavefront schedule preserves it (was: #pragma weft parallel_for ordered)
// CHECK-NEXT: for (int i = 1; i < n; ++i)
// CHECK-NEXT:   A(i) = A(i - 1) + 1.0f;

int main(int argc, char** argv) {
// CHECK: int main(int argc, char** argv) {
// CHECK-NEXT: // weft: MPI processes and threads for the parallel loops
// CHECK-NEXT: weft::rt::Session weft_session(argc, argv, weft::rt::Output::Root);
// CHECK-NEXT: return prefix(argc + 1) > 0.0f && argv != nullptr ? 0 : 1;
  return prefix(argc + 1) > 0.0f && argv != nullptr ? 0 : 1;
}
