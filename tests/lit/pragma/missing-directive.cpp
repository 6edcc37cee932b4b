// `#pragma weft` alone, or followed by something that is not a name, is an error.
// RUN: not %weftc %s
// RUN: %weftc %s -- -Xclang -verify
void f(float *a, int n) {
  #pragma weft // expected-error {{missing directive after '#pragma weft'; expected 'parallel_for' or 'pipeline'}}
  for (int i = 0; i < n; ++i)
    a[i] = 0;
  #pragma weft 42 // expected-error {{expected 'parallel_for' or 'pipeline' after '#pragma weft'}}
  for (int i = 0; i < n; ++i)
    a[i] = 1;
}
