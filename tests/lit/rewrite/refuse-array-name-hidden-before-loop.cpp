// The loop writes the outer W through the reference w, and the footprint names arrays
// by the text they were bound to ('W'); but before the loop a block declares another W,
// so 'W' there is the inner array, and a footprint naming it would move the wrong rows.
// The loop stays sequential with a warning naming both declarations.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

double run(int n) {
  weft::DistArray<double, 1> W({n});
  auto &w = W;
  double s = 0;
  {
    weft::DistArray<double, 1> W({n});
    #pragma weft parallel_for // expected-warning {{loop kept sequential: the rewrite names an array of the loop as 'W' before the loop, where 'W' is the one declared at line 15, not the one the loop uses (line 11); rename one of them (its verdict is data_parallel)}}
    for (int i = 0; i < n; ++i)
      w(i) = w(i) * 2.0 + 1.0;
    s += W(0);
  }
  return s + w(0);
}
// CHECK:      // weft: data_parallel, but kept sequential: the rewrite names an array of the loop as 'W'
// CHECK-NEXT: // before the loop, where 'W' is the one declared at line 15, not the one the loop uses (line
// CHECK-NEXT: // 11); rename one of them (was: #pragma weft parallel_for)
// CHECK-NEXT: for (int i = 0; i < n; ++i)
