// data_parallel, but the loop writes a std::vector: only DistArray rows move between
// processes, so the loop stays sequential with a warning saying so.
// RUN: %weftc %s -o %t.cpp -- -Xclang -verify
// RUN: grep -v "// CHECK" %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
#include <weft/weft.h>

#include <vector>

float squares(int n) {
  std::vector<float> v(static_cast<size_t>(n));
  #pragma weft parallel_for // expected-warning {{loop kept sequential: it writes 'v', a vector; only the rows of weft::DistArrays move between processes (its verdict is data_parallel)}}
  for (int i = 0; i < n; ++i)
    v[i] = static_cast<float>(i) * static_cast<float>(i);
  return v[0];
}
// CHECK:      // weft: data_parallel, but kept sequential: it writes 'v', a vector; only the rows of
// CHECK-NEXT: // weft::DistArrays move between processes (was: #pragma weft parallel_for)
// CHECK-NEXT: for (int i = 0; i < n; ++i)
