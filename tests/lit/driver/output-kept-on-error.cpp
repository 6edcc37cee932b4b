// An existing output is left as it was when weftc fails (here a C++ error).
// RUN: rm -rf %t && mkdir -p %t && echo old output > %t/out.cpp
// RUN: not %weftc %s -o %t/out.cpp 2> /dev/null
// RUN: FileCheck %s < %t/out.cpp
// RUN: ls %t | count 1
// CHECK: old output
void f(float *a, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    a[i] = undeclared_name;
}
