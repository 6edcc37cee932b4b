// A span-like view: operator[] is const and its body only reads the view, but it
// returns a reference into a std::vector's storage, and the loop writes through it.
// Every iteration adds to view[0]: sequential, never data_parallel.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>
#include <vector>

struct View {
  float *p;
  float &operator[](int64_t i) const { return p[i]; }
};

void sum(int n, std::vector<float> &v) {
  weft::DistArray<float, 1> x({n});
  View view{v.data()};
  #pragma weft parallel_for // expected-warning {{loop stays sequential: a call may read or write memory weft cannot see}} expected-note {{keep the call out of the loop, or let the function touch only its parameters, its locals and what the functions it calls touch (no globals, statics, pointers or reference members)}} expected-note {{also: an expression may read or write memory weft cannot name}} expected-note {{write the expression with DistArray elements, locals and visible functions}}
  for (int i = 0; i < n; ++i)
    view[0] += x(i); // expected-note {{'View::operator[]' may have effects: it reads or writes through the pointer 'p'}} expected-note {{'view[0]' writes through the reference that 'View::operator[]' returns}}
}
// CHECK: "verdict": "sequential"
