// Loops in templates are not analysed (types are not known until instantiation): the loop
// stays sequential with a warning, and the file is written unchanged around it.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
template <class T> void f(T *a, int n) {
  #pragma weft parallel_for // expected-warning {{loop kept sequential: '#pragma weft parallel_for' inside a template is not analysed; annotate a loop in a non-template function to parallelize it}}
  for (int i = 0; i < n; ++i)
    a[i] = 0;
}
void g(float *a) { f(a, 4); }
// CHECK: #pragma weft parallel_for
// CHECK-NEXT: for (int i = 0; i < n; ++i)
// CHECK-NEXT: a[i] = 0;
// CHECK-NOT: weft::rt::
