// A counted loop whose header has no increment (the condition steps the variable) is not
// a loop weft can count; the note says there is no increment rather than quoting an empty
// one.
// RUN: %weftc %s -- -Xclang -verify
#include <weft/weft.h>

void reversed(int n) {
  weft::DistArray<float, 1> A({n});
  int i;
  #pragma weft parallel_for // expected-warning {{loop stays sequential: the iterations of the loop are not known}}
  for (i = n; i-- > 0;) // expected-note {{the loop has no increment (its header does not step 'i')}}
    A(i) = 1.0f;
}
