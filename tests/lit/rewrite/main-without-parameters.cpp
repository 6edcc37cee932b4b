// A main without parameters gets a Session that reads the runtime's options from the
// environment (WEFT_THREADS, ...); code after main's brace on the same line stays code.
// Before main, an OutputBeforeMain object quiets every process but the first from the
// program's static initializers on.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

int main() { weft::DistArray<float, 1> A({8});
  #pragma weft parallel_for
  for (int i = 0; i < 8; ++i)
    A(i) = 1.0f;
  return A(0) == 1.0f ? 0 : 1;
}
// CHECK:      // weft: what static initializers print appears once
// CHECK-NEXT: static weft::rt::OutputBeforeMain weft_output_before_main __attribute__((init_priority(101)));
// CHECK-NEXT: int main() {
// CHECK-NEXT:   // weft: MPI processes and threads for the parallel loops
// CHECK-NEXT:   weft::rt::Session weft_session(weft::rt::Output::Root); weft::DistArray<float, 1> A({8});
