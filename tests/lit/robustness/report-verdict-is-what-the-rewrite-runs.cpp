// The report's "verdict" is what the rewritten program runs, in agreement with
// --emit=source: a wavefront the executor cannot run (a column distance that grows with m) is
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
  #pragma weft parallel_for ordered // expected-warning {{loop kept sequential: its dependences reach an unbounded number of columns (the wavefront executor exchanges halos of a fixed width) (its verdict is wavefront)}}
  for (int i = 1; i < n; ++i)
    for (int j = 0; j < m; ++j)
      A(i, j) = A(i - 1, m - 1 - j) + 1.0f;
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    A(i, 0) = 1.0f;
}
// REPORT:      "kept_sequential": "its dependences reach an unbounded number of columns (the wavefront executor exchanges halos of a fixed width)",
// REPORT:      "proven": "wavefront",
// REPORT:      "verdict": "sequential",
// REPORT-NOT:  "kept_sequential"
// REPORT:      "proven": "data_parallel",
// REPORT:      "verdict": "data_parallel",
// SOURCE:      // weft: wavefront, but kept sequential: its dependences reach an unbounded number of columns (the
// SOURCE-NEXT: // wavefront executor exchanges halos of a fixed width) (was: #pragma weft parallel_for ordered)
// SOURCE-NEXT: for (int i = 1; i < n; ++i)
// SOURCE:      weft::rt::data_parallel(
