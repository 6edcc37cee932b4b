// Unordered loop that counts the positive entries into a long declared outside it:
// every iteration may read and write the one variable 'count', so any two iterations
// conflict on it. The update is count += 1 (additive, even though conditional), so the
// fix is to make it an Accumulator: sequential, reason shared_scalar, with the
// Accumulator fix note.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

long positives(int n) {
  weft::DistArray<float, 1> x({n});
  long count = 0;
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a variable declared outside the loop is written by every iteration}} expected-note {{declare 'count' as weft::Accumulator<long> to make its updates a reduction}}
  for (int i = 0; i < n; ++i)
    if (x(i) > 0)
      count += 1; // expected-note {{iteration i writes 'count'}} expected-note {{that another iteration reads 'count'}}
  return count;
}
// CHECK: "fix": "declare 'count' as weft::Accumulator<long> to make its updates a reduction"
// CHECK: "reason": "shared_scalar"
// CHECK: "verdict": "sequential"
