// An unknown directive after `#pragma weft` is an error naming it.
// RUN: not %weftc %s
// RUN: %weftc %s -- -Xclang -verify
void f(float *a, int n) {
  #pragma weft parallel // expected-error {{unknown directive 'parallel' in '#pragma weft'; expected 'parallel_for' or 'pipeline'}}
  for (int i = 0; i < n; ++i)
    a[i] = 0;
}
