// `#pragma weft pipeline` builds the same model, with kind pipeline; calls of the
// stage functions are recorded.
// RUN: %weftc --emit=model %s | FileCheck %s
#include <weft/weft.h>

void forward_layer(int layer, int batch);

void train(int batches) {
  #pragma weft pipeline
  for (int b = 0; b < batches; ++b) {
    forward_layer(0, b);
    forward_layer(1, b);
  }
}
// CHECK: loop at {{.*}}:10:3: #pragma weft pipeline
// CHECK-NEXT: kind: pipeline
// CHECK: call forward_layer (unknown effects: its body is not visible) at {{.*}}:11:5
// CHECK: call forward_layer (unknown effects: its body is not visible) at {{.*}}:12:5
