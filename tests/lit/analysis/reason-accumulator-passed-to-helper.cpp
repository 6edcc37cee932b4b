// An accumulator passed by reference to a helper that adds to it: weft does not follow
// the accumulator into the call, so the loop stays sequential, and the note says so
// rather than that the body reads its value.
// RUN: %weftc %s -- -Xclang -verify
#include <weft/weft.h>

static void add_square(weft::Accumulator<double> &acc, float err) { acc += double(err) * err; }

void epoch(const weft::SparseArray<float, 2> &R, weft::DistArray<float, 2> &W,
           weft::Accumulator<double> &loss) {
  #pragma weft parallel_for // expected-warning {{loop stays sequential: an accumulator is read inside the loop, where its value is partial}} expected-note {{add to the accumulator in the loop body itself ('loss += ...')}}
  for (const auto &e : R) {
    const float err = e.value - W(e.key[0], 0);
    W(e.key[0], 0) += 0.1f * err;
    add_square(loss, err); // expected-note {{the accumulator 'loss' is passed on as an object (to a call, or copied), and weft does not follow what is done with it there}}
  }
}
