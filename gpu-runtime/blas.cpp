#include "blas.h"

#include "error.h"

#include <algorithm>
#include <climits>
#include <string>

namespace weft {
namespace gpu {
namespace detail {

namespace {

int blas_dim(const char *op, std::int64_t value) {
  if (value > INT_MAX) {
    throw Error(std::string("weft::gpu::") + op + ": a dimension of " + std::to_string(value) +
                " exceeds cuBLAS's largest index " + std::to_string(INT_MAX));
  }
  return static_cast<int>(std::max<std::int64_t>(value, 1));
}

} // namespace

void gemm(Context &ctx, const char *op, bool trans_a, bool trans_b, std::int64_t m, std::int64_t n,
          std::int64_t k, float alpha, const float *a, const float *b, float beta, float *c) {
  if (m == 0 || n == 0)
    return;
  const int rows = blas_dim(op, m), cols = blas_dim(op, n), inner = blas_dim(op, k);
  if (k == 0) {
    // An empty sum: C = beta C.
    if (beta == 0.0f) {
      WEFT_CUDA_CHECK(
          cudaMemsetAsync(c, 0, static_cast<std::size_t>(m * n) * sizeof(float), ctx.stream()));
    } else if (beta != 1.0f) {
      WEFT_CUBLAS_CHECK(cublasSscal(ctx.cublas(), blas_dim(op, m * n), &beta, c, 1));
    }
    return;
  }
  // cuBLAS is column-major, and a row-major r x s matrix is the column-major s x r matrix
  // of its transpose. So the row-major C = op(A) op(B) is the column-major
  // C^T = op(B)^T op(A)^T: B's operand first, m and n exchanged, each transposition kept.
  // The leading dimensions are the stored row lengths.
  const int lda = trans_a ? rows : inner;
  const int ldb = trans_b ? inner : cols;
  WEFT_CUBLAS_CHECK(cublasSgemm(ctx.cublas(), trans_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                                trans_a ? CUBLAS_OP_T : CUBLAS_OP_N, cols, rows, inner, &alpha, b,
                                ldb, a, lda, &beta, c, cols));
}

} // namespace detail
} // namespace gpu
} // namespace weft
