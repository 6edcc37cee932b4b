// A view kept in a variable is storage weft cannot follow: the call that receives it
// is an unknown effect, and so is the nn::rows call that makes it.
// RUN: %weftc %s -- -Xclang -verify
#include <weft/nn.h>
namespace nn = weft::nn;

void forward(nn::Tensor &X, int batches) {
  nn::Tensor H({batches * 16, 8});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: an expression may read or write memory weft cannot name}} expected-note 2 {{write the expression with DistArray elements, locals and visible functions}} expected-note {{also: an expression may read or write memory weft cannot name}}
  for (int k = 0; k < batches; ++k) {
    nn::ConstMatrix xb = nn::rows(X, k * 16, 16); // expected-note {{makes a view that weft cannot follow outside the argument of a weft::nn operation: pass it directly in the call}}
    nn::relu(xb, nn::rows(H, k * 16, 16)); // expected-note {{is not a weft array or a rows(...) view of one (a view kept in a variable is one weft cannot follow: pass rows(...) in the call)}}
  }
}
