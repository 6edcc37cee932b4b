// The report's "verdict" is what the rewritten program runs, in agreement with
// --emit=source: a wavefront the executor cannot run (its inner loop counts down) is
// "sequential" with the proven schedule under "proven" and the rewrite's reason under
// "kept_sequential"; a loop the rewrite runs has the executor as its verdict. Both emit
// modes give the same warning.
// RUN: %weftc --emit=report %s -- -Xclang -verify
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: %weftc --emit=report %s | FileCheck --check-prefix=REPORT %s
// RUN: grep -v "// SOURCE" %t.cpp | FileCheck --check-prefix=SOURCE %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

void sweep(int n, int m) {
  weft::DistArray<float, 2> A({n, m});
  #pragma weft parallel_for ordered // expected-warning {{loop kept sequential: the wavefront executor runs loops that count up by one (its verdict is wavefront)}}
  for (int i = 1; i < n; ++i)
    for (int j = m - 2; j >= 0; --j)
      A(i, j) = A(i - 1, j) + A(i, j + 1);
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    A(i, 0) = 1.0f;
}
// REPORT:      "kept_sequential": "the wavefront executor runs loops that count up by one",
// REPORT:      "proven": "wavefront",
// REPORT:      "verdict": "sequential",
// REPORT-NOT:  "kept_sequential"
// REPORT:      "proven": "data_parallel",
// REPORT:      "verdict": "data_parallel",
// SOURCE:      // weft: wavefront, but kept sequential: the wavefront executor runs loops that count up by one
// SOURCE-NEXT: // (was: #pragma weft parallel_for ordered)
// SOURCE-NEXT: for (int i = 1; i < n; ++i)
// SOURCE:      weft::rt::data_parallel(
