// A WEFT_EFFECTS declaration that does not hold, or that leaves a parameter holding
// storage without an effect, is an unknown effect: weft fails closed.
// RUN: %weftc %s -- -Xclang -verify
#include <weft/nn.h>
namespace nn = weft::nn;

WEFT_EFFECTS(reed(X) write(Y))
void misspelled(nn::ConstMatrix X, nn::Matrix Y);

WEFT_EFFECTS(read(X))
void forgets_output(nn::ConstMatrix X, nn::Matrix Y);

void forward(int n) {
  nn::Tensor A({n, 4}), B({n, 4}), C({n, 4});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{correct the function's WEFT_EFFECTS declaration}} expected-note {{also: an expression may read or write memory weft cannot name}} expected-note {{write the expression with DistArray elements, locals and visible functions}}
  for (int k = 0; k < 4; ++k) {
    misspelled(A, B); // expected-note {{'misspelled' may have effects: its WEFT_EFFECTS declaration does not hold: unknown effect kind 'reed' (expected read, write, update or accumulate)}}
    forgets_output(A, C); // expected-note {{'forgets_output(A, C)' binds 'C' to the parameter 'Y' of 'forgets_output', for which its WEFT_EFFECTS names no effect}}
  }
}
