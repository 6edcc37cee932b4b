// The one BLAS routine weft::nn uses, over OpenBLAS's cblas_sgemm, with OpenBLAS pinned to
// one thread on first use (weft's runtime owns parallelism: its workers each call BLAS).
// Internal to weft_nn.
#pragma once

#include <cstdint>

namespace weft {
namespace nn {
namespace detail {

// C = alpha op(A) op(B) + beta C for row-major, contiguous matrices: op(A) is m x k,
// op(B) is k x n, C is m x n; op(A) = A^T when trans_a (A stored k x m), likewise for B.
// beta = 0 overwrites C without reading it. `op` names the weft::nn operation for the
// error thrown when a dimension exceeds what BLAS's int can index.
void gemm(const char *op, bool trans_a, bool trans_b, std::int64_t m, std::int64_t n,
          std::int64_t k, float alpha, const float *a, const float *b, float beta, float *c);

} // namespace detail
} // namespace nn
} // namespace weft
