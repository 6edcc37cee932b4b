// A pragma at namespace scope annotates nothing.
// RUN: not %weftc %s
// RUN: %weftc %s -- -Xclang -verify
#pragma weft parallel_for // expected-error {{'#pragma weft parallel_for' must be placed before a loop inside a function body}}
void f(float *a, int n) {
  for (int i = 0; i < n; ++i)
    a[i] = 0;
}
