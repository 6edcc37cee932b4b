// Loops in templates are not analysed (types are not known until instantiation).
// RUN: not %weftc %s
// RUN: %weftc %s -- -Xclang -verify
template <class T> void f(T *a, int n) {
  #pragma weft parallel_for // expected-error {{'#pragma weft parallel_for' inside a template is not supported; annotate a loop in a non-template function}}
  for (int i = 0; i < n; ++i)
    a[i] = 0;
}
void g(float *a) { f(a, 4); }
