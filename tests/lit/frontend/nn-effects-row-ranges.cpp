// weft::nn calls are modelled from the effects their declarations state: a whole array
// for an array argument, a range of rows for nn::rows(A, first, count). The loop over
// minibatches is proven data_parallel (each iteration writes its own rows), and the
// rewrite keeps it sequential: weft::nn operations run only in pipeline loops.
// RUN: %weftc --emit=model %s | FileCheck %s
// RUN: %weftc %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=DIAG
#include <weft/nn.h>
namespace nn = weft::nn;

void forward(nn::Tensor &X, int batches) {
  const int B = 16;
  nn::Tensor Y({batches * B, 8}), W({8, 4}), b({1, 8}), H({batches * B, 8});
  #pragma weft parallel_for
  for (int k = 0; k < batches; ++k) {
    nn::linear(nn::rows(X, k * B, B), W, b, nn::rows(Y, k * B, B));
    nn::relu(nn::rows(Y, k * B, B), nn::rows(H, k * B, B));
  }
}
// CHECK: read X[16*k <= . < 16*k + 16, ?] `nn::rows(X, k * B, B)`
// CHECK: read W[*] `W`
// CHECK: read b[*] `b`
// CHECK: write Y[16*k <= . < 16*k + 16, ?] `nn::rows(Y, k * B, B)`
// CHECK: call weft::nn::linear
// CHECK: read Y[16*k <= . < 16*k + 16, ?] `nn::rows(Y, k * B, B)`
// CHECK: write H[16*k <= . < 16*k + 16, ?] `nn::rows(H, k * B, B)`
// CHECK: call weft::nn::relu
// DIAG: warning: loop kept sequential: it calls 'weft::nn::linear', and weft::nn operations run only in pipeline loops (its verdict is data_parallel)
