// A C++ error in the input: clang's diagnostic, exit 1, no output file.
// RUN: rm -f %t.out
// RUN: not %weftc %s -o %t.out 2>&1 | FileCheck %s
// RUN: not test -e %t.out
void f(float *a, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    a[i] = undeclared_name;
}
// CHECK: error: use of undeclared identifier 'undeclared_name'
