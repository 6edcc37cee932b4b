// Two pragmas for one loop: the second is an error, with a note at the first.
// RUN: not %weftc %s
// RUN: %weftc --emit=model %s -- -Xclang -verify
void f(float *a, int n) {
  #pragma weft parallel_for // expected-note {{the earlier pragma is here}}
  #pragma weft parallel_for ordered // expected-error {{the loop already has a '#pragma weft'; only one is allowed per loop}}
  for (int i = 0; i < n; ++i)
    a[i] = 0;
}
