// What a WEFT_EFFECTS declaration cannot name makes the call an unknown effect: the
// object of a method, the extra arguments of a variadic function, a class passed by
// value (it may hold a pointer), and parameters that a redeclaration renames (the
// annotation names the parameters of the declaration it is written on).
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;

WEFT_EFFECTS(read(X)) void log_rows(nn::ConstMatrix X, ...);

struct Stats {
  float total[64];
  WEFT_EFFECTS(read(X)) void add(nn::ConstMatrix X);
};

struct Out {
  float *p;
};
WEFT_EFFECTS(read(X)) void row_sum(nn::ConstMatrix X, Out out);

WEFT_EFFECTS(read(src) write(dst)) void copy_all(nn::ConstMatrix src, nn::Matrix dst);
void copy_all(nn::ConstMatrix dst, nn::Matrix src) {
  for (std::int64_t r = 0; r < dst.rows(); ++r)
    for (std::int64_t c = 0; c < dst.cols(); ++c)
      src(r, c) = dst(r, c);
}

void run(int n) {
  nn::Tensor A({64, 8}), C({64, 8});
  weft::DistArray<float, 1> out({n + 1}), acc({n});
  Stats s{};
  Out o{acc.data()};
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) {
    log_rows(nn::rows(A, k, 1), out(k + 1) = 2.0f);
    out(k) = out(k) + 1.0f;
  }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) {
    s.add(nn::rows(A, k, 1));
    out(k) = s.total[0];
  }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) {
    row_sum(nn::rows(A, k, 1), o);
    acc(k) = acc(k) + 1.0f;
  }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k)
    copy_all(nn::rows(A, k, 1), nn::rows(C, 0, 1));
}
// CHECK-NOT: "proven": "data_parallel"
// CHECK: "detail": "'log_rows' may have effects: its WEFT_EFFECTS declaration does not hold: it takes variadic arguments, which the declaration cannot name"
// CHECK: "detail": "'Stats::add' may have effects: its WEFT_EFFECTS declaration does not hold: it is declared on a method, whose object the declaration cannot name"
// CHECK: "detail": "'row_sum(nn::rows(A, k, 1), o)' binds 'o' to the parameter 'out' of 'row_sum', for which its WEFT_EFFECTS names no effect"
// CHECK: "detail": "'copy_all' may have effects: its WEFT_EFFECTS declaration does not hold: a redeclaration names the parameters differently"
// CHECK-NOT: "proven": "data_parallel"
