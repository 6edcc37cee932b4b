// Every wavefront form weftc rewrites, on integer values modulo 7 (exact in double, and
// changed by any iteration that reads a value other than the serial one): loops counting
// down in one or both dims, triangular nests, and skewed sweeps that read the next
// columns of the row above. The parallel program must print the serial program's
// numbers digit for digit, on any number of processes and threads. Each "epoch" runs
// the loops again on the results of the last one; the CSV columns (after epoch and
// seconds) are checksums of the arrays.
//
//   wavefront_forms [--n N] [--epochs E]
#include <weft/weft.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

using Grid = weft::DistArray<double, 2>;

// An exact checksum: sum of (row + 1) * (col + 1) * value, modulo 2^31 - 1.
long long checksum(const Grid& a) {
  long long sum = 0;
  for (int64_t i = 0; i < a.shape()[0]; ++i)
    for (int64_t j = 0; j < a.shape()[1]; ++j)
      sum = (sum + (i + 1) * (j + 1) * static_cast<long long>(a(i, j))) % 2147483647LL;
  return sum;
}

void fill(Grid& a, int64_t seed) {
  for (int64_t i = 0; i < a.shape()[0]; ++i)
    for (int64_t j = 0; j < a.shape()[1]; ++j) a(i, j) = static_cast<double>((i * 3 + j * 5 + seed) % 7);
}

double mod7(double x) { return static_cast<double>(static_cast<int64_t>(x) % 7); }

int64_t parse(const char* flag, const char* value) {
  char* end = nullptr;
  const long long v = std::strtoll(value, &end, 10);
  if (end == value || *end != '\0' || v < 1 || v > 100000) {
    std::fprintf(stderr, "wavefront_forms: error: %s needs an integer in [1, 100000]\n", flag);
    std::exit(2);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = 300;
  int epochs = 2;
  for (int k = 1; k < argc; ++k) {
    if (k + 1 < argc && std::strcmp(argv[k], "--n") == 0) n = parse("--n", argv[++k]);
    else if (k + 1 < argc && std::strcmp(argv[k], "--epochs") == 0) epochs = static_cast<int>(parse("--epochs", argv[++k]));
    else {
      std::fprintf(stderr, "usage: wavefront_forms [--n N] [--epochs E]\n");
      return 2;
    }
  }
  Grid down({n + 4, n + 4}), both({n + 4, n + 4}), lower({n + 4, n + 4}), upper({n + 4, n + 4}),
      skew({n + 4, n + 4}), skew_down({n + 4, n + 4});
  fill(down, 0), fill(both, 1), fill(lower, 2), fill(upper, 3), fill(skew, 4), fill(skew_down, 5);

  const int last = static_cast<int>(n) + 1;

  std::printf("epoch,seconds,down,both,lower,upper,skew,skew_down\n");
  double seconds = 0.0;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();

    // The outer loop counts down: (i + 1, j) is the row before.
    #pragma weft parallel_for ordered
    for (int64_t i = n + 1; i >= 2; --i)
      for (int64_t j = 2; j <= n + 1; ++j)
        down(i, j) = mod7(down(i + 1, j) + 2 * down(i, j - 1) + 3 * down(i + 1, j - 1) + down(i - 1, j));

    // Both count down, with '>' conditions, over int.
    #pragma weft parallel_for ordered
    for (int i = last; i > 1; i--) {
      for (int j = last; j > 1; j--) {
        both(i, j) = mod7(both(i + 1, j) + 2 * both(i, j + 1) + both(i - 1, j) + 3 * both(i, j - 1));
      }
    }

    // A triangle below the diagonal.
    #pragma weft parallel_for ordered
    for (int64_t i = 2; i <= n + 1; ++i)
      for (int64_t j = 2; j <= i; ++j)
        lower(i, j) = mod7(lower(i - 1, j) + 2 * lower(i, j - 1) + lower(i - 1, j - 1) + 1);

    // A triangle above the diagonal, both loops counting down.
    #pragma weft parallel_for ordered
    for (int64_t i = n + 1; i >= 2; --i)
      for (int64_t j = n + 1; j >= i; --j)
        upper(i, j) = mod7(upper(i + 1, j) + 2 * upper(i, j + 1) + upper(i - 1, j) + 3);

    // Skewed: the row above's next column (new) and the row below's previous one (old).
    #pragma weft parallel_for ordered
    for (int64_t i = 2; i <= n + 1; ++i)
      for (int64_t j = 2; j <= n + 1; ++j)
        skew(i, j) = mod7(skew(i - 1, j + 1) + 2 * skew(i, j - 1) + 3 * skew(i + 1, j - 1) + skew(i, j + 1));

    // Skewed by two columns, the rows counting down.
    #pragma weft parallel_for ordered
    for (int64_t i = n + 1; i >= 2; --i)
      for (int64_t j = 2; j <= n + 1; ++j)
        skew_down(i, j) = mod7(skew_down(i + 1, j + 2) + 2 * skew_down(i, j - 1) + skew_down(i - 2, j - 2) + 1);

    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%d,%.3f,%lld,%lld,%lld,%lld,%lld,%lld\n", epoch + 1, seconds, checksum(down), checksum(both),
                checksum(lower), checksum(upper), checksum(skew), checksum(skew_down));
    std::fflush(stdout);
  }
  return 0;
}
