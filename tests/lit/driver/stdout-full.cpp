// A write error on standard output (a full disk: /dev/full) is a diagnostic and exit
// status 1, not LLVM's "IO failure on output stream" abort.
// RUN: %exit_status %weftc --emit=report %s > /dev/full 2> %t.err
// RUN: FileCheck %s < %t.err
// CHECK-NOT: LLVM ERROR
// CHECK: weftc: error: cannot write to standard output: No space left on device
// CHECK-NEXT: exit: 1
void f(float *a, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    a[i] = 0;
}
