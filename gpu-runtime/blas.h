// The one cuBLAS routine weft::gpu uses: a row-major GEMM over cublasSgemm, in a Context's
// stream. Internal to weft_gpu.
#pragma once

#include "weft/gpu/device.h"

#include <cstdint>

namespace weft {
namespace gpu {
namespace detail {

// C = alpha op(A) op(B) + beta C for row-major, contiguous device matrices: op(A) is m x k,
// op(B) is k x n, C is m x n; op(A) = A^T when trans_a (A stored k x m), likewise for B.
// beta = 0 overwrites C without reading it. `op` names the weft::gpu operation for the error
// thrown when a dimension exceeds what cuBLAS's int can index.
void gemm(Context &ctx, const char *op, bool trans_a, bool trans_b, std::int64_t m, std::int64_t n,
          std::int64_t k, float alpha, const float *a, const float *b, float beta, float *c);

} // namespace detail
} // namespace gpu
} // namespace weft
