// SGD matrix factorization: rotation_2d over R's keys. The loop (and only the loop)
// becomes a call of weft::rt::rotation_2d whose footprint names every written array with
// the key that picks its rows; the scalars the body only reads (K, lr) are captured by
// copy, everything else by reference; main gets the Session; the output compiles cleanly.
// RUN: %weftc %s -o %t.cpp
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// RUN: %check_parallel_clang %t.cpp
#include <weft/weft.h>

#include <cstdint>

// CHECK: #include <weft/weft.h>
// CHECK-NEXT: #include <weft/parallel.h>  // weft: the parallel runtime

double epoch(const char* path, int K, float lr) {
  const weft::SparseArray<float, 2> R = weft::load_triples<float, 2>(path);
  weft::DistArray<float, 2> W({R.shape()[0], K}), H({R.shape()[1], K});
  weft::Accumulator<double> sq_err(0.0);
  #pragma weft parallel_for
  for (const auto& e : R) {
    const int64_t u = e.key[0], i = e.key[1];
    float err = e.value;
    for (int k = 0; k < K; ++k) err -= W(u, k) * H(i, k);
    for (int k = 0; k < K; ++k) {
      const float w = W(u, k);
      W(u, k) += lr * err * H(i, k);
      H(i, k) += lr * err * w;
    }
    sq_err += err * err;
  }
  return sq_err.value();
}
// CHECK:      weft::Accumulator<double> sq_err(0.0);
// CHECK-NEXT: // weft: rotation_2d (space key[0], time key[1]): no two conflicting iterations differ in both
// CHECK-NEXT: // key[0] and key[1], so blocks of key[0] (space) run at once while blocks of key[1] (time) rotate
// CHECK-NEXT: // among them
// CHECK-NEXT: weft::rt::rotation_2d(weft::rt::Session::current(), R, /*space=*/0, /*time=*/1,
// CHECK-NEXT:     weft::rt::Footprint().write(W, 0).write(H, 1).reduce(sq_err),
// CHECK-NEXT:     [&, K, lr](const auto& e) {
// CHECK-NEXT:   const int64_t u = e.key[0], i = e.key[1];
// CHECK:        sq_err += err * err;
// CHECK-NEXT: });
// CHECK-NEXT: else
// CHECK-NEXT:   for (const auto& e : R) {
// CHECK-NEXT:   const int64_t u = e.key[0], i = e.key[1];
// CHECK:        sq_err += err * err;
// CHECK-NEXT: }
// CHECK-NEXT: return sq_err.value();

int main(int argc, char** argv) {
  (void)argc, (void)argv;
  return 0;
}
// CHECK:      int main(int argc, char** argv) {
// CHECK-NEXT:   // weft: MPI processes and threads for the parallel loops
// CHECK-NEXT:   weft::rt::Session weft_session(argc, argv, weft::rt::Output::Root);
// CHECK-NEXT:   (void)argc, (void)argv;
