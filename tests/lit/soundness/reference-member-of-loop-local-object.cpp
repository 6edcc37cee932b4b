// A struct the loop declares holds a const reference bound to P, and the loop reads P
// through it (v.p). The name v.p means nothing outside the loop, where weft would check
// that it is not W (a run-time check it wrote before, which did not compile): an
// unknown effect. Also through a copy of an outer struct made in the loop (s2.per_item):
// sequential.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct View {
  const weft::DistArray<float, 1> &p;
};

struct Stats {
  weft::DistArray<float, 1> &per_item;
};

void gather(int n) {
  weft::DistArray<float, 1> W({n}), P({n}), x({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: an expression may read or write memory weft cannot name}} expected-note {{write the expression with DistArray elements, locals and visible functions}}
  for (int i = 0; i < n; ++i) {
    const View v{P};
    W(i) += x(i) * v.p(i); // expected-note {{'v.p' reads or writes through the reference member 'p' of 'v', which the loop declares: weft cannot tell what it is bound to}}
  }
}

void scatter(int n) {
  weft::DistArray<float, 1> W({n}), P({n}), x({n});
  const Stats st{P};
  #pragma weft parallel_for // expected-warning {{loop stays sequential: an expression may read or write memory weft cannot name}} expected-note {{write the expression with DistArray elements, locals and visible functions}}
  for (int i = 0; i < n; ++i) {
    W(i) += x(i);
    Stats s2 = st;
    s2.per_item(i) += x(i); // expected-note {{'s2.per_item' reads or writes through the reference member 'per_item' of 's2', which the loop declares: weft cannot tell what it is bound to}}
  }
}
// CHECK: "verdict": "sequential"
// CHECK: "verdict": "sequential"
// CHECK-NOT: "verdict"
