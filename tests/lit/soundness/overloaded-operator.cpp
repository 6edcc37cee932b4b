// An overloaded operator with a side effect: Vec2 + Vec2 counts additions in a
// global. The operator is a call with unknown effects.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

long additions = 0;

struct Vec2 {
  float a, b;
};
Vec2 operator+(const Vec2 &x, const Vec2 &y) {
  ++additions;
  return {x.a + y.a, x.b + y.b};
}

void add(int n, Vec2 shift) {
  weft::DistArray<float, 1> y({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (int i = 0; i < n; ++i) {
    Vec2 v{y(i), 0.0f};
    y(i) = (v + shift).a; // expected-note {{'operator+' may have effects: it uses the global variable 'additions'}}
  }
}
// CHECK: "verdict": "sequential"
