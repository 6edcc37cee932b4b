// `ordered` given twice is an error; `pipeline` takes only `schedule(...)`.
// RUN: not %weftc %s
// RUN: %weftc %s -- -Xclang -verify
void f(float *a, int n) {
  #pragma weft parallel_for ordered ordered // expected-error {{duplicate clause 'ordered' in '#pragma weft parallel_for'}}
  for (int i = 0; i < n; ++i)
    a[i] = 0;
  #pragma weft pipeline ordered // expected-error {{unknown clause 'ordered' in '#pragma weft pipeline'; expected 'schedule(...)'}}
  for (int i = 0; i < n; ++i)
    a[i] = 1;
}
