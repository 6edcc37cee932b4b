// A structured binding names a part of its decomposed object. `auto &[A, B] = m` makes
// A the array m.A, so writing m.A(i) and reading A(i + 1) conflict (weft once kept A
// apart from m.A: data_parallel). `auto [p, k] = st` copies st, whose reference member
// still names W: p is a name weft cannot follow, assumed distinct from W only under the
// run-time check. A decomposition the loop declares has no name outside it: an unknown
// effect.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: FileCheck %s < %t.cpp
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

struct Model {
  weft::DistArray<float, 1> A, B;
};

struct Stats {
  weft::DistArray<float, 1> &per_item;
  int k;
};

void shift(int n, Model &m) {
  weft::DistArray<float, 1> x({n});
  auto &[A, B] = m;
  #pragma weft parallel_for // expected-warning {{loop stays sequential: two iterations access the same element and one writes it, and no partitioning of the iterations keeps them apart}}
  for (int i = 0; i < n - 1; ++i)
    m.A(i) = x(i) + A(i + 1); // expected-note {{iteration i writes A[i]}} expected-note {{that iteration i - 1 reads A[i + 1]}}
}

void scale(int n) {
  weft::DistArray<float, 1> W({n}), x({n});
  Stats st{W, 0};
  auto [p, k] = st;
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i)
    W(i) += x(i) * p(0);
}
// CHECK-LABEL: void scale(
// CHECK: if (weft::rt::has_session() && weft::rt::distinct({{[{][{]}}&{{[pW]}}, &{{[pW]}}{{[}][}]}}, "{{.*}}structured-binding-parts.cpp:33:3"))

void scale_in_loop(int n) {
  weft::DistArray<float, 1> W({n}), x({n});
  const Stats st{W, 0};
  #pragma weft parallel_for // expected-warning {{loop stays sequential: an expression may read or write memory weft cannot name}} expected-note 2 {{write the expression with DistArray elements, locals and visible functions}} expected-note {{also: an expression may read or write memory weft cannot name}}
  for (int i = 0; i < n; ++i) {
    auto [q, kq] = st; // expected-note {{'q' names an array through the object of 'auto [q, kq]', which the loop declares: it may be another array in another iteration, and weft names each array once, before the loop}}
    W(i) += x(i) * q(0); // expected-note {{'q' reads or writes through the reference member 'per_item' of an object the loop declares: weft cannot tell what it is bound to}}
  }
}
