#include "blas.h"

#include "weft/weft.h"

#include <algorithm>
#include <cblas.h>
#include <climits>
#include <string>

namespace weft {
namespace nn {
namespace detail {

namespace {

// OpenBLAS starts as many threads as cores; one call to openblas_set_num_threads, before
// the first GEMM, keeps every call on its caller's thread.
void pin_blas_to_one_thread() {
  static const bool pinned = [] {
    openblas_set_num_threads(1);
    return true;
  }();
  (void)pinned;
}

blasint blas_dim(const char *op, std::int64_t value) {
  if (value > INT_MAX) {
    throw Error(std::string("weft::nn::") + op + ": a dimension of " + std::to_string(value) +
                " exceeds BLAS's largest index " + std::to_string(INT_MAX));
  }
  return static_cast<blasint>(std::max<std::int64_t>(value, 1));
}

} // namespace

void gemm(const char *op, bool trans_a, bool trans_b, std::int64_t m, std::int64_t n,
          std::int64_t k, float alpha, const float *a, const float *b, float beta, float *c) {
  if (m == 0 || n == 0)
    return;
  if (k == 0) {
    // An empty sum: C = beta C (BLAS implementations differ on k = 0).
    for (std::int64_t i = 0; i < m * n; ++i)
      c[i] = beta == 0.0f ? 0.0f : beta * c[i];
    return;
  }
  pin_blas_to_one_thread();
  // Leading dimensions of row-major storage: the stored row length.
  const blasint lda = blas_dim(op, trans_a ? m : k);
  const blasint ldb = blas_dim(op, trans_b ? k : n);
  const blasint ldc = blas_dim(op, n);
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, blas_dim(op, m), blas_dim(op, n),
              blas_dim(op, k), alpha, a, lda, b, ldb, beta, c, ldc);
}

} // namespace detail
} // namespace nn
} // namespace weft
