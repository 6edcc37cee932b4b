// SIGHUP in the middle of writing an output that did not exist: no output and no
// temporary afterwards.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %cxx -shared -fPIC -o %t/shim.so %S/Inputs/fsync-shim.cpp -ldl
// RUN: %signal_while_writing %t/shim.so SIGHUP %t/out.cpp -- %weftc %s -o %t/out.cpp | FileCheck %s
// RUN: not test -e %t/out.cpp
// CHECK: temporaries while writing: 1
// CHECK-NEXT: exit: signal SIGHUP
// CHECK-NEXT: temporaries after: 0
void f(float *a, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    a[i] = 0;
}
