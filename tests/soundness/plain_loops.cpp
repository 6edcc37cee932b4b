// Loops any weftc must parallelize (data_parallel over rows, rotation_2d over a sparse
// matrix, a reduction), on integer data: the program check_programs.py --perturb runs to
// show that the check sees a parallel program that loses its writes.
#include <weft/weft.h>

#include <cstdint>
#include <cstdio>
#include <vector>

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  const int64_t n = 12;
  const int K = 2;
  weft::DistArray<float, 2> X({n, K}), Y({n, K});
  for (int64_t i = 0; i < n; ++i)
    for (int k = 0; k < K; ++k)
      X(i, k) = static_cast<float>((i * 7 + k) % 5);

#pragma weft parallel_for
  for (int64_t i = 0; i < n; ++i)
    for (int k = 0; k < K; ++k)
      Y(i, k) = 2.0f * X(i, k) + static_cast<float>(k);

  std::vector<weft::Entry<float, 2>> entries;
  for (int64_t u = 0; u < n; ++u)
    for (int64_t v = u % 3; v < n; v += 2)
      entries.push_back({{u, v}, static_cast<float>((u + v) % 4 + 1)});
  const weft::SparseArray<float, 2> R(std::move(entries));
  weft::DistArray<float, 2> W({n, K}), H({n, K});
  weft::Accumulator<double> total(0.0);
#pragma weft parallel_for
  for (const auto &e : R) {
    const int64_t u = e.key[0], v = e.key[1];
    for (int k = 0; k < K; ++k) {
      W(u, k) += e.value;
      H(v, k) += e.value * static_cast<float>(k + 1);
    }
    total += e.value;
  }

  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i)
    for (int k = 0; k < K; ++k)
      sum += static_cast<double>(i + 1) * (Y(i, k) + 3.0 * W(i, k) + 5.0 * H(i, k));
  std::printf("checksum %.17g total %.17g\n", sum, total.value());
  return 0;
}
