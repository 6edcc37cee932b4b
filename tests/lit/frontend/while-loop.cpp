// A while loop inside the annotated loop is a level with an unknown trip count: its
// dim is unconstrained and its condition's reads are a header statement.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>

void drain(weft::DistArray<int, 1> &Q, int n) {
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    int z = 0;
    while (Q(i) > z) {
      Q(i) -= 1;
      z++;
    }
  }
}
// CHECK: level 1 ({{.*}}:10:5): loop <none> with unknown trip count, inside level 0
// CHECK-NEXT: imprecise: a while loop has a data-dependent trip count
// CHECK: S1 ({{.*}}:10:5) conditional: while (Q(i) > z)
// The while loop's dim counts its iterations, up to a trip-count parameter.
// CHECK-NEXT: domain: [n, t_trips] -> { S1[i, t] : 0 <= i and i <= n - 1 and 0 <= t < t_trips }
// CHECK: read Q[i] (may) `Q(i)`
// CHECK-NEXT: read z[i] (may) `z`
