// The statement after the pragma must be a for loop; the note points at it.
// RUN: not %weftc %s
// RUN: %weftc %s -- -Xclang -verify
void f(float *a, int n) {
  int i = 0;
  #pragma weft parallel_for // expected-error {{'#pragma weft parallel_for' must be followed by a for loop}}
  while (i < n) // expected-note {{the statement that follows the pragma is here}}
    a[i++] = 0;
}
