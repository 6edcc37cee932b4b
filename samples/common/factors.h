// What the matrix-factorization samples (mf, mf-adagrad, mf-rowadagrad) share besides
// their command line: the test error of the factors after an epoch.
//
// Included as "../common/factors.h", like sample_main.h; only the standard library and
// weft/weft.h are used.
#pragma once

#include <weft/weft.h>

#include <cmath>
#include <cstdint>

namespace weft_samples {

// sqrt(mean over the ratings r(u, i) of (r - dot(W_u, H_i))^2) over all columns of W and
// H; 0 without ratings. Each error is a float, the prediction summed over k = 0, 1, ...
// in order, the squares summed in double. An ordinary serial loop: in a parallel program
// the runtime makes W and H whole before it reads them.
inline double factor_rmse(const weft::SparseArray<float, 2> &ratings,
                          const weft::DistArray<float, 2> &W, const weft::DistArray<float, 2> &H) {
  const std::int64_t columns = W.shape()[1];
  double sq_err = 0.0;
  for (const auto &e : ratings) {
    const std::int64_t u = e.key[0], i = e.key[1];
    float err = e.value;
    for (std::int64_t k = 0; k < columns; ++k)
      err -= W(u, k) * H(i, k);
    sq_err += static_cast<double>(err) * err;
  }
  return ratings.size() > 0 ? std::sqrt(sq_err / static_cast<double>(ratings.size())) : 0.0;
}

} // namespace weft_samples
