// -o writes the model to a file (through a temporary renamed into place), nothing to stdout.
// RUN: rm -f %t.model
// RUN: %weftc --emit=model %s -o %t.model | count 0
// RUN: FileCheck %s < %t.model
// RUN: not ls %t.model.tmp.*
void f(float *a, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    a[i] = 0;
}
// CHECK: 1 annotated loop
// CHECK: write a[i] `a[i]`
