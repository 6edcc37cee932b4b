// A replaced output keeps its permissions; through a symbolic link, the file it names
// is replaced and the link stays.
// RUN: rm -rf %t && mkdir -p %t && echo old > %t/out.model && chmod 640 %t/out.model
// RUN: ln -s out.model %t/link.model
// RUN: %weftc --emit=model %s -o %t/link.model
// RUN: test -L %t/link.model
// RUN: FileCheck %s < %t/out.model
// RUN: stat -c %%a %t/out.model | FileCheck %s --check-prefix=MODE
// RUN: ls %t | count 2
// CHECK: 1 annotated loop
// MODE: 640
void f(float *a, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    a[i] = 0;
}
