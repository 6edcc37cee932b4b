// weft::nn operations called through a user function, a function template, a lambda kept
// in a variable, a function pointer and an immediately invoked lambda: each is a call
// with unknown effects, and every loop stays sequential.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;
void fwd(const nn::Tensor &X, const nn::Tensor &W, const nn::Tensor &b, nn::Tensor &Y) { nn::linear(X, W, b, Y); }
template <class T> void act(const T &X, T &Y) { nn::relu(X, Y); }
void loop1(int n) {
  nn::Tensor X({8, 8}), W({8, 8}), b({1, 8}), Y({8, 8}), H({8,8});
  weft::DistArray<float, 1> out({n});
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) {
    fwd(X, W, b, Y);
    out(k) = Y(0, 0);
  }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) {
    act(X, H);
    out(k) = H(0, 0);
  }
  auto f = [&] { nn::relu(X, H); };
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) {
    f();
    out(k) = H(0, 0);
  }
  void (*fp)(nn::ConstMatrix, nn::Matrix) = &nn::relu;
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) {
    fp(X, H);
    out(k) = H(0, 0);
  }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) {
    [&] { nn::relu(X, H); }();
    out(k) = H(0, 0);
  }
}
// CHECK-COUNT-5: "reason": "unknown_call"
// CHECK-NOT: "proven": "data_parallel"
