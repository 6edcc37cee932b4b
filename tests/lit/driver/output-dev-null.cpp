// -o /dev/null: written directly (a device is not replaced), exit status 0.
// RUN: %weftc --emit=model %s -o /dev/null
// RUN: test -c /dev/null
void f(float *a, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    a[i] = 0;
}
