// An annotated loop inside another annotated loop is an error at the inner pragma.
// RUN: not %weftc %s
// RUN: %weftc --emit=model %s -- -Xclang -verify
void f(float (*a)[64], int n) {
  #pragma weft parallel_for // expected-note {{the enclosing annotated loop is here}}
  for (int i = 0; i < n; ++i) {
    #pragma weft parallel_for // expected-error {{'#pragma weft parallel_for' inside another annotated loop is not supported}}
    for (int j = 0; j < n; ++j)
      a[i][j] = 0;
  }
}
