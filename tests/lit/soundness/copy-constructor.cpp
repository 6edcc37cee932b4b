// A user-written copy constructor counts copies in a static member; passing the object
// by value copies it in every iteration. The copy is a call with unknown effects.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct Params {
  static long copies;
  float scale = 2.0f;
  Params() = default;
  Params(const Params &other) : scale(other.scale) { ++copies; }
};
long Params::copies = 0;

float scaled(Params p, float x) { return p.scale * x; }

void apply(int n, const Params &params) {
  weft::DistArray<float, 1> x({n}), y({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (int i = 0; i < n; ++i)
    y(i) = scaled(params, x(i)); // expected-note {{'Params::Params' may have effects: it uses the global variable 'copies'}}
}
// CHECK: "verdict": "sequential"
