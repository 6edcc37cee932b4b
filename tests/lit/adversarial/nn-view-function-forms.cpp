// User view functions whose WEFT_VIEW does not list the parameters in their order, and
// rows(...) whose count is a variable the loop writes: weft cannot follow the view, and
// those loops stay sequential. A list spelled without spaces is the same list: that
// view is followed, and its loop (each iteration writes its own row) is data_parallel.
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/nn.h>
namespace nn = weft::nn;
WEFT_VIEW(rows(t, start, n)) nn::Matrix slice(std::int64_t start, std::int64_t n, nn::Tensor &t);
WEFT_VIEW(rows(t, start, n)) nn::Matrix slice2(nn::Tensor &t, std::int64_t n, std::int64_t start);
WEFT_VIEW(rows(t,start,n)) nn::Matrix slice3(nn::Tensor &t, std::int64_t start, std::int64_t n);
void run(int n) {
  nn::Tensor A({64, 8}), C({64, 8});
  weft::DistArray<float, 1> out({n});
  int cnt = 1;
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { nn::relu(A, slice(k, 1, C)); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { nn::relu(A, slice2(C, 1, k)); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { nn::relu(A, slice3(C, k, 1)); out(k) = 0; }
  #pragma weft parallel_for
  for (int k = 0; k < n; ++k) { cnt = k + 2; nn::relu(A, nn::rows(C, k, cnt)); out(k) = 0; }
}
// CHECK: "proven": "sequential",
// CHECK: "detail": "'slice(k, 1, C)' is not a weft array or a rows(array, first, count) view of one"
// CHECK: "proven": "sequential",
// CHECK: "detail": "'slice2(C, 1, k)' is not a weft array or a rows(array, first, count) view of one"
// CHECK: "proven": "data_parallel",
// CHECK: "proven": "sequential",
// CHECK-NOT: "proven"
