// -o naming an existing file that is not a regular one (a device) writes to it
// directly; its write error (/dev/full) is a diagnostic and exit status 1, and the
// device is still a device (it is never replaced by a renamed temporary).
// RUN: %exit_status %weftc --emit=model %s -o /dev/full 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: test -c /dev/full
// CHECK-NOT: LLVM ERROR
// CHECK: weftc: error: cannot write '/dev/full': No space left on device
// CHECK-NEXT: exit: 1
void f(float *a, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    a[i] = 0;
}
