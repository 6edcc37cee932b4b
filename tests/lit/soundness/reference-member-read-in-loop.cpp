// A struct declared outside the loop holds a const reference bound to W(3); the loop
// reads W(3) through it (sc.s) while iteration i writes W[i]. A field reached through a
// reference member is not the struct's own storage, so it is never an invariant scalar
// field: the read is an access of storage weft cannot name, which may be any float, W[3]
// among them. Sequential, reason may_alias, never data_parallel with stale reads.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct Scale {
  const float &s;
};

void scale_all(int n) {
  weft::DistArray<float, 1> W({n}), x({n});
  Scale sc{W(3)};
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two names may refer to the same storage}} expected-note {{declare the arrays in this function, or pass one array, so that weft can tell them apart}}
  for (int i = 0; i < n; ++i)
    W(i) += x(i) * sc.s; // expected-note {{iteration i writes W[i]}} expected-note {{that another iteration reads 'sc.s', and 'W' and 'sc.s' may be the same storage}}
}
// CHECK: "reason": "may_alias"
// CHECK: "verdict": "sequential"
