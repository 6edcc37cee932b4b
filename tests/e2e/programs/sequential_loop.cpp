// A program whose only annotated loop stays sequential (a prefix sum carries a
// dependence from each iteration to the next): weftc leaves the loop as written, and
// the program built from its output prints the serial program's numbers on any number
// of processes.
//
//   sequential_loop [--n N] [--epochs E]
#include <weft/weft.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  int64_t n = 1000;
  int epochs = 3;
  for (int k = 1; k + 1 < argc; k += 2) {
    if (std::strcmp(argv[k], "--n") == 0) n = std::atoll(argv[k + 1]);
    else if (std::strcmp(argv[k], "--epochs") == 0) epochs = std::atoi(argv[k + 1]);
  }
  if (n < 2 || epochs < 1) {
    std::fprintf(stderr, "usage: sequential_loop [--n N >= 2] [--epochs E >= 1]\n");
    return 2;
  }
  weft::DistArray<double, 1> A({n});
  for (int64_t i = 0; i < n; ++i) A(i) = static_cast<double>(i % 10);
  std::printf("epoch,seconds,last,sum\n");
  for (int epoch = 0; epoch < epochs; ++epoch) {
    #pragma weft parallel_for ordered
    for (int64_t i = 1; i < n; ++i)
      A(i) = static_cast<double>(static_cast<int64_t>(A(i) + A(i - 1)) % 1000);
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) sum += A(i);
    std::printf("%d,0.000,%.1f,%.1f\n", epoch + 1, A(n - 1), sum);
  }
  return 0;
}
