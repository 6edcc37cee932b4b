// A file without annotated loops comes out byte for byte as it went in.
// RUN: %weftc %s -o %t.cpp
// RUN: cmp %s %t.cpp
#include <weft/weft.h>

int main(int argc, char** argv) {
  weft::DistArray<float, 1> A({4});
  for (int i = 0; i < 4; ++i) A(i) = static_cast<float>(argc);
  return argv == nullptr;
}
