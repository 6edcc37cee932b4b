// An implicit conversion operator with a side effect: converting a Meter to float
// counts the conversion in a global. The conversion is a call with unknown effects.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

long conversions = 0;

struct Meter {
  float v;
  operator float() const {
    ++conversions;
    return v;
  }
};

void copy(int n, Meter m) {
  weft::DistArray<float, 1> y({n});
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}}
  for (int i = 0; i < n; ++i)
    y(i) = m; // expected-note {{'Meter::operator float' may have effects: it uses the global variable 'conversions'}}
}
// CHECK: "verdict": "sequential"
