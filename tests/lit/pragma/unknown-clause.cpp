// An unknown clause is an error at the clause, and weftc exits 1 writing nothing. The
// other pragmas are still checked, so one run reports every weft error.
// RUN: rm -f %t.out
// RUN: not %weftc %s -o %t.out
// RUN: not test -e %t.out
// RUN: %weftc %s -- -Xclang -verify
void f(float *a, int n) {
  #pragma weft parallel_for fast // expected-error {{unknown clause 'fast' in '#pragma weft parallel_for'; expected 'ordered'}}
  for (int i = 0; i < n; ++i)
    a[i] = 0;
  #pragma weft parallel_for // expected-error {{'#pragma weft parallel_for' must be followed by a for loop}}
  a[0] = 1; // expected-note {{the statement that follows the pragma is here}}
}
