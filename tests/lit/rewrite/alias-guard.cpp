// Two reference parameters of one DistArray type are assumed to be different arrays
// (docs/design.md, "Aliasing"): the loop is rewritten, but the call runs only when
// weft::rt::distinct finds them distinct at run time (and the process has a session);
// otherwise the loop runs as written. The output compiles.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: FileCheck %s < %t.cpp
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

// expected-no-diagnostics

void copy(weft::DistArray<float, 1> &P, const weft::DistArray<float, 1> &Q, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    P(i) = Q(i + 1);
}
// CHECK: if (weft::rt::has_session() && weft::rt::distinct({{[{][{]}}&{{[PQ]}}, &{{[PQ]}}{{[}][}]}}, "{{.*}}alias-guard.cpp:13:3"))
// CHECK-NEXT: weft::rt::data_parallel(
// CHECK-NEXT: weft::rt::Footprint().write(P, 0).read(Q, 0, weft::rt::RowMap{1, 1}),
// CHECK-NEXT: [&](int i) { P(i) = Q(i + 1); });
// CHECK-NEXT: else
// CHECK-NEXT: for (int i = 0; i < n; ++i)
// CHECK-NEXT: P(i) = Q(i + 1);
