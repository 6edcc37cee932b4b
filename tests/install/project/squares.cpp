// Sums of squares, one parallel loop: the same numbers serial and on any process count.
#include <weft/weft.h>

#include <cstdint>
#include <cstdio>

#include "squares_config.h"

int main(int argc, char **argv) {
  (void)argc, (void)argv;
  weft::DistArray<double, 1> A({kSquares});
  weft::Accumulator<double> total(0.0);
#pragma weft parallel_for
  for (int64_t i = 0; i < kSquares; ++i) {
    A(i) = static_cast<double>(i * i);
    total += A(i);
  }
  std::printf("total %.1f last %.1f\n", total.value(), A(kSquares - 1));
  return 0;
}
