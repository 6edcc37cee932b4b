// A pipeline's schedule clause names one of the four schedules.
// RUN: not %weftc %s
// RUN: %weftc %s -- -Xclang -verify
void f(float *a, int n) {
  #pragma weft pipeline schedule(fast) // expected-error {{expected 'schedule(flush)', 'schedule(gpipe)', 'schedule(1f1b)' or 'schedule(2bw)' in '#pragma weft pipeline'}}
  for (int i = 0; i < n; ++i)
    a[i] = 1;
  #pragma weft pipeline schedule(1f1b // expected-error {{expected 'schedule(flush)', 'schedule(gpipe)', 'schedule(1f1b)' or 'schedule(2bw)' in '#pragma weft pipeline'}}
  for (int i = 0; i < n; ++i)
    a[i] = 2;
}
