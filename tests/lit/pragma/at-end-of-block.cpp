// A pragma with no statement after it in its block is not attached to a later loop.
// RUN: not %weftc %s
// RUN: %weftc %s -- -Xclang -verify
void f(float *a, int n) {
  {
    a[0] = 1;
    #pragma weft parallel_for // expected-error {{'#pragma weft parallel_for' must be followed by a for loop}}
  }
  for (int i = 0; i < n; ++i)
    a[i] = 0;
}
