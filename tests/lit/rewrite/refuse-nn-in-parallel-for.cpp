// A data-parallel loop whose iterations call weft::nn operations: the kernels take the
// address of the arrays they view, which an executor's worker threads must not do, so
// the rewrite keeps the loop as written and says why.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;

int main() {
  nn::Tensor X({64, 8});
  X.randomize(1, -1.0f, 1.0f);
  weft::DistArray<float, 1> out({64});
  #pragma weft parallel_for // expected-warning {{loop kept sequential: it calls 'weft::nn::relu', and weft::nn operations run only in pipeline loops (its verdict is data_parallel)}}
  for (int k = 0; k < 64; ++k) {
    nn::Tensor T({64, 8});
    nn::relu(X, T);
    out(k) = T(k, 0);
  }
  std::printf("%f\n", out(3));
}
// CHECK: // weft: data_parallel, but kept sequential: it calls 'weft::nn::relu', and weft::nn operations
// CHECK-NEXT: // run only in pipeline loops (was: #pragma weft parallel_for)
// CHECK: for (int k = 0; k < 64; ++k) {
