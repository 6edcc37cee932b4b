// Instantiates every template of weft.h the way user programs do, so that compiling
// this file with -Wall -Wextra -Wpedantic -Werror checks the header for warnings.
#include <weft/weft.h>

#include <cstdint>
#include <string>

int main(int argc, char **argv) {
  const std::int64_t n = argc + 3;
  const int k = 4;
  weft::DistArray<float, 2> W({n, k});
  weft::DistArray<double, 1> v({n});
  weft::DistArray<int, 3> cube({2, 3, 4});
  W.randomize(1, -1.0f, 1.0f);
  v.randomize(2, 0.0, 1.0);
  cube.randomize(3, -5, 5);
  cube.fill(7);
  const weft::DistArray<float, 2> &cW = W;

  weft::SparseArray<float, 2> R;
  if (argc > 1)
    R = weft::load_triples<float, 2>(std::string(argv[1]));
  if (argc > 2)
    (void)weft::load_triples<int, 1>(std::string(argv[2]));
  if (argc > 3)
    (void)weft::load_triples<double, 3>(std::string(argv[3]));
  R.add({0, 1}, 2.0f);

  weft::Accumulator<double> sq_err(0.0);
  weft::Accumulator<float, weft::Max<float>> largest(
      weft::reduction_identity<weft::Max<float>, float>::value());
  weft::Accumulator<int, weft::Min<int>> smallest(
      weft::reduction_identity<weft::Min<int>, int>::value());
  weft::Accumulator<double, std::multiplies<double>> product(1.0);

  weft::Buffer<float, 2> dW(W, weft::apply_add, 1000);
  weft::Buffer dH(
      W, [](float &target, const float &update) { target -= update; }, 10);

  for (const auto &e : R) {
    const std::int64_t u = e.key[0] % n, i = e.key[1] % k;
    float err = e.value - cW(u, i);
    for (int j = 0; j < k; ++j)
      err -= W(u, j);
    sq_err += err * err;
    largest += err;
    smallest += static_cast<int>(err);
    product += 1.0;
    dW(u, i) += err;
    dH(u, i) += err;
  }
  return static_cast<int>(sq_err.value() + largest.value() + smallest.value() + product.value() +
                          v(0) + cube(1, 2, 3) + static_cast<double>(dW.max_delay()));
}
