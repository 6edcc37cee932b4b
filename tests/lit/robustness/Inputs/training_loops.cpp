// Loops of every rewrite form the line-ending tests convert: a rotation (its comment
// spans two lines), a data-parallel loop whose body gets braces, a loop kept
// sequential, a pragma continued with a backslash and followed by a block comment over
// two lines, and main with its Session.
#include <weft/weft.h>

#include <cstdint>

double sgd(weft::SparseArray<float, 2> &R, int64_t users, int64_t items, int K) {
  weft::DistArray<float, 2> W({users, K}), H({items, K});
  weft::Accumulator<double> loss(0.0);
  #pragma weft parallel_for
  for (const auto &e : R) {
    const int64_t u = e.key[0], i = e.key[1];
    float err = e.value;
    for (int k = 0; k < K; ++k)
      err -= W(u, k) * H(i, k);
    for (int k = 0; k < K; ++k) {
      const float w = W(u, k);
      W(u, k) += 0.01f * (err * H(i, k) - 0.05f * w);
      H(i, k) += 0.01f * (err * w - 0.05f * H(i, k));
    }
    loss += err * err;
  }
  return loss.value();
}

float scale(int64_t n) {
  weft::DistArray<float, 1> X({n}), Y({n});
  #pragma weft parallel_for
  for (int64_t i = 0; i < n; ++i)
    Y(i) = 2.0f * X(i);
  #pragma weft parallel_for \
      ordered /* a comment
                 over two lines */
  for (int64_t i = 1; i < n; ++i)
    X(i) = X(i - 1) + Y(i);
  return X(n - 1);
}

int main(int argc, char **argv) {
  weft::SparseArray<float, 2> R;
  return static_cast<int>(sgd(R, 4, 4, 2) + scale(argc) + (argv == nullptr));
}
