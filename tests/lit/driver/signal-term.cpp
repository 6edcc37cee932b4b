// SIGTERM in the middle of writing the output (the temporary complete, not yet renamed
// over the output): weftc removes its temporary and ends by the signal; the old output
// is unchanged. Inputs/fsync-shim.cpp holds weftc there; the signal comes from outside.
// RUN: rm -rf %t && mkdir -p %t && echo old output > %t/out.cpp
// RUN: %cxx -shared -fPIC -o %t/shim.so %S/Inputs/fsync-shim.cpp -ldl
// RUN: %signal_while_writing %t/shim.so SIGTERM %t/out.cpp -- %weftc %s -o %t/out.cpp | FileCheck %s
// RUN: FileCheck %s --check-prefix=OLD < %t/out.cpp
// CHECK: temporaries while writing: 1
// CHECK-NEXT: exit: signal SIGTERM
// CHECK-NEXT: temporaries after: 0
// OLD: old output
void f(float *a, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    a[i] = 0;
}
