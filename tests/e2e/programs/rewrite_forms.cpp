// Every loop form weftc rewrites, on integer-valued data whose sums are exact in double:
// the parallel program must print the serial program's numbers digit for digit, on any
// number of processes and threads. Each "epoch" runs the loops again on the results of
// the last one; the CSV columns (after epoch and seconds) are checksums of the arrays
// and the reductions.
//
//   rewrite_forms [--n N] [--epochs E]
#include <weft/weft.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

// An exact checksum of an integer-valued array: sum of (row + 1) * value.
double checksum(const weft::DistArray<double, 2>& a) {
  double sum = 0.0;
  for (int64_t i = 0; i < a.shape()[0]; ++i)
    for (int64_t j = 0; j < a.shape()[1]; ++j) sum += static_cast<double>(i + 1) * a(i, j);
  return sum;
}

int64_t parse(const char* flag, const char* value) {
  char* end = nullptr;
  const long long v = std::strtoll(value, &end, 10);
  if (end == value || *end != '\0' || v < 1 || v > 100000) {
    std::fprintf(stderr, "rewrite_forms: error: %s needs an integer in [1, 100000]\n", flag);
    std::exit(2);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = 600;
  int epochs = 3;
  for (int k = 1; k < argc; ++k) {
    if (k + 1 < argc && std::strcmp(argv[k], "--n") == 0) n = parse("--n", argv[++k]);
    else if (k + 1 < argc && std::strcmp(argv[k], "--epochs") == 0) epochs = static_cast<int>(parse("--epochs", argv[++k]));
    else {
      std::fprintf(stderr, "usage: rewrite_forms [--n N] [--epochs E]\n");
      return 2;
    }
  }
  const int K = 4;
  weft::DistArray<double, 2> X({n, K}), Y({n, K}), G({n + 2, n + 2});
  for (int64_t i = 0; i < n; ++i)
    for (int j = 0; j < K; ++j) X(i, j) = static_cast<double>((i * 7 + j * 3) % 11);
  for (int64_t i = 0; i < n + 2; ++i)
    for (int64_t j = 0; j < n + 2; ++j) G(i, j) = static_cast<double>((i + 2 * j) % 5);
  // Sparse entries (u, v) with u, v < n, each pair once.
  std::vector<weft::Entry<double, 2>> entries;
  for (int64_t u = 0; u < n; ++u)
    for (int64_t v = (u * 5) % 7; v < n; v += 7 + u % 3) entries.push_back({{u, v}, static_cast<double>((u + v) % 4 + 1)});
  const weft::SparseArray<double, 2> R(std::move(entries));
  weft::DistArray<double, 2> P({n, K}), Q({n, K});
  for (int64_t i = 0; i < n; ++i)
    for (int j = 0; j < K; ++j) P(i, j) = 1.0, Q(i, j) = static_cast<double>(j);

  std::printf("epoch,seconds,dense,strided,sparse,rotation,gauss_seidel\n");
  double seconds = 0.0;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();

    // data_parallel over a counted loop, with `continue` and `<=`.
    #pragma weft parallel_for
    for (int64_t i = 0; i <= n - 1; ++i) {
      if (X(i, 0) == 0.0) {
        for (int j = 0; j < K; ++j) Y(i, j) = 1.0;
        continue;
      }
      for (int j = 0; j < K; ++j) Y(i, j) = X(i, j) + Y(i, j) * 0.0 + static_cast<double>(j);
    }

    // A loop with step 3 that only reduces.
    weft::Accumulator<double> strided(0.0);
    #pragma weft parallel_for
    for (int64_t i = 2; i < n; i += 3) {
      strided += Y(i, 1);
    }

    // data_parallel over sparse entries with a structured binding.
    weft::Accumulator<double> sparse(0.0);
    #pragma weft parallel_for
    for (const auto& [key, value] : R) {
      sparse += value * static_cast<double>(key[0] % 3 + key[1] % 5);
    }

    // rotation_2d: P's rows by key[0], Q's by key[1]; each update adds an integer.
    #pragma weft parallel_for
    for (const auto& e : R) {
      const int64_t u = e.key[0], v = e.key[1];
      for (int j = 0; j < K; ++j) {
        P(u, j) += e.value;
        Q(v, j) += e.value * static_cast<double>(j);
      }
    }

    // An in-place Gauss-Seidel-like sweep over integers modulo 7: a wavefront.
    #pragma weft parallel_for ordered
    for (int64_t i = 1; i <= n; ++i)
      for (int64_t j = 1; j <= n; ++j)
        G(i, j) = static_cast<double>(static_cast<int64_t>(G(i - 1, j) + 2 * G(i + 1, j) + 3 * G(i, j - 1) + G(i, j + 1)) % 7);

    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%d,%.3f,%.1f,%.1f,%.1f,%.1f,%.1f\n", epoch + 1, seconds, checksum(Y), strided.value(), sparse.value(),
                checksum(P) + 3.0 * checksum(Q), checksum(G));
    std::fflush(stdout);
  }
  return 0;
}
