// Compiles only with -DWEFT_TEST_N=<n> from the compilation database.
void f(float *a) {
  #pragma weft parallel_for
  for (int i = 0; i < WEFT_TEST_N; ++i)
    a[i] = 0;
}
