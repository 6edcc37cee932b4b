// A loop in a generic lambda at namespace scope is in a template: it runs as written,
// with the warning that says so (not an error about where the pragma is).
// RUN: %weftc %s -- -Xclang -verify
#include <weft/weft.h>

auto halve = [](auto &A, int n) {
  #pragma weft parallel_for // expected-warning {{loop kept sequential: '#pragma weft parallel_for' inside a template is not analysed}}
  for (int i = 0; i < n; ++i)
    A(i) = A(i) * 0.5f + 1.0f;
};

int main() {
  weft::DistArray<float, 1> A({8});
  halve(A, 8);
  return A(0) == 1.0f ? 0 : 1;
}
