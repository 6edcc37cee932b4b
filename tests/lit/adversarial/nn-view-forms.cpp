// Arguments of view parameters that weft cannot name: a dereferenced pointer to an
// array, a conditional choosing between arrays, an element of a std::array of arrays,
// a view built from a raw pointer, rows(...) of any of these. Each is an unknown effect;
// rows(...) of a global array written in every iteration is a dependence.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/nn.h>
#include <array>
namespace nn = weft::nn;
nn::Tensor G({64, 8});
void run(int n, bool c) {
  nn::Tensor A({64, 8}), C({64, 8});
  nn::Tensor *p = &A;
  std::array<nn::Tensor, 2> arr{nn::Tensor({64, 8}), nn::Tensor({64, 8})};
  weft::DistArray<float, 1> out({n});
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { nn::relu(nn::rows(A, k, 1), *p); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { nn::relu(nn::rows(A, k, 1), c ? A : C); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { nn::relu(nn::rows(A, k, 1), arr[0]); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { nn::relu(nn::rows(A, k, 1), nn::rows(G, 0, 1)); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { nn::relu(nn::rows(A, k, 1), nn::rows(*p, k + 1, 1)); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { nn::relu(nn::rows(A, k, 1), nn::Matrix(C.data() + 8 * k, 1, 8)); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { nn::relu(nn::rows(A, k, 1), nn::rows(c ? A : C, k, 1)); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { nn::relu(nn::rows(A, k, 1), nn::rows(arr[1], 0, 1)); out(k) = 0; }
}
// CHECK-COUNT-8: "proven": "sequential"
// CHECK-NOT: "proven": "data_parallel"
