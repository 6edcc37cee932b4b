// The control for the reference-member and mutable-member cases: a helper that reads
// only plain fields of a struct passed by const reference, and a const cast-free
// helper, are transparent. The loop writes W[i] only: data_parallel.
// RUN: %weftc %s -- -Xclang -verify
// RUN: %weftc --emit=report %s 2>/dev/null | FileCheck %s
#include <weft/weft.h>

struct Hyper {
  float lr;
  float decay;
};

static float step(const Hyper &h, float g) { return h.lr * g * h.decay; }

void train(int n) {
  weft::DistArray<float, 1> W({n}), x({n});
  const Hyper h{0.5f, 0.9f};
  #pragma weft parallel_for // expected-no-diagnostics
  for (int i = 0; i < n; ++i)
    W(i) += step(h, x(i));
}
// CHECK: "verdict": "data_parallel"
