// A file with CR-only line breaks (old Mac files; clang reads them) is rewritten as the same file with LF
// breaks is, line for line: the edits land in the same places, the output compiles, and
// every inserted line break (the comments, the executor call's arguments, the include,
// main's Session) is the file's own.
// RUN: %python %S/Inputs/line_endings.py convert cr %S/Inputs/training_loops.cpp %t.cr.cpp
// RUN: %weftc %t.cr.cpp -o %t.cr.out.cpp
// RUN: %weftc %S/Inputs/training_loops.cpp -o %t.lf.out.cpp
// RUN: %python %S/Inputs/line_endings.py check cr %t.cr.out.cpp | FileCheck --check-prefix=BREAKS %s
// RUN: %python %S/Inputs/line_endings.py same %t.cr.out.cpp %t.lf.out.cpp | FileCheck --check-prefix=SAME %s
// RUN: %check_parallel %t.cr.out.cpp
// RUN: %check_parallel_clang %t.cr.out.cpp
// RUN: FileCheck %s < %t.lf.out.cpp
// BREAKS: PASS: {{[0-9]+}} line breaks, all cr
// SAME: PASS: same text
// CHECK:      #include <weft/parallel.h>
// CHECK:      // weft: rotation_2d (space key[0], time key[1]):
// CHECK-NEXT: // {{.+}}
// CHECK-NEXT: // {{.+}}
// CHECK-NEXT: weft::rt::rotation_2d(
// CHECK:      // weft: data_parallel:
// CHECK-NEXT: weft::rt::data_parallel(
// CHECK-NEXT:     weft::rt::Footprint().write(Y, 0).read(X, 0),
// CHECK-NEXT:     [&](int64_t i) { Y(i) = 2.0f * X(i); });
// CHECK-NEXT: else
// CHECK-NEXT: for (int64_t i = 0; i < n; ++i)
// CHECK-NEXT: Y(i) = 2.0f * X(i);
// CHECK-NEXT: // weft: sequential:
// CHECK-NEXT: // {{.*}}(was: #pragma weft parallel_for ordered)
// CHECK-NEXT: for (int64_t i = 1; i < n; ++i)
// CHECK:      int main(int argc, char **argv) {
// CHECK-NEXT:   // weft: MPI processes and threads for the parallel loops
// CHECK-NEXT:   weft::rt::Session weft_session(argc, argv, weft::rt::Output::Root);
