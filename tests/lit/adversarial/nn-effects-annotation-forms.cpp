// WEFT_EFFECTS declarations that name no effect for a view or a non-const reference
// parameter, or that do not parse (a comma between kinds, an unknown kind): the calls
// keep their loops sequential.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;
WEFT_EFFECTS() void f_empty(nn::ConstMatrix X, float s);
WEFT_EFFECTS(read(X)) void f_scalar_ref(nn::ConstMatrix X, float &s);
WEFT_EFFECTS(read(X), write(Y)) void f_comma(nn::ConstMatrix X, nn::Matrix Y);
WEFT_EFFECTS(write(Y) read(X)) void f_cstr(nn::ConstMatrix X, nn::Matrix Y, const char *name);
WEFT_EFFECTS(reads(X) write(Y)) void f_bad(nn::ConstMatrix X, nn::Matrix Y);
void run(int n) {
  nn::Tensor A({64, 8}), C({64, 8});
  weft::DistArray<float, 1> out({n});
  float s = 0;
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { f_empty(A, 1.0f); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { f_scalar_ref(A, s); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { f_comma(A, nn::rows(C, 0, 1)); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { f_cstr(A, nn::rows(C, k, 1), "x"); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { f_bad(A, nn::rows(C, 0, 1)); out(k) = 0; }
}
// CHECK: binds 'A' to the parameter 'X' of 'f_empty', for which its WEFT_EFFECTS names no effect
// CHECK: binds 's' to the parameter 's' of 'f_scalar_ref', for which its WEFT_EFFECTS names no effect
// CHECK: its WEFT_EFFECTS declaration does not hold: unknown effect kind ''
// CHECK: to the parameter 'name' of 'f_cstr'
// CHECK: its WEFT_EFFECTS declaration does not hold: unknown effect kind 'reads'
// CHECK-NOT: "proven": "data_parallel"
