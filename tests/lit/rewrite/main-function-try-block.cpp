// main written as a function-try-block gets the runtime's Session at the start of its
// try block (without one, every rewritten loop would throw at run time).
// RUN: %weftc %s -o %t.cpp
// RUN: FileCheck %s < %t.cpp
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

#include <cstdio>

int main(int argc, char **argv) try {
  weft::DistArray<double, 1> A({argc + 7});
  #pragma weft parallel_for
  for (int i = 0; i < argc + 7; ++i)
    A(i) = i;
  std::printf("%g\n", A(3));
  (void)argv;
  return 0;
} catch (const std::exception &e) {
  std::printf("caught: %s\n", e.what());
  return 1;
}
// CHECK: int main(int argc, char **argv) try {
// CHECK-NEXT: // weft: MPI processes and threads for the parallel loops
// CHECK-NEXT: weft::rt::Session weft_session(argc, argv, weft::rt::Output::Root);
