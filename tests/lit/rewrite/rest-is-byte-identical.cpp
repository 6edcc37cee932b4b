// Every byte outside the annotated loops, main's first line (weft::rt::OutputBeforeMain
// before it, the session after its brace) and the include line
// stays as it was: tabs, trailing spaces, comments that mention #pragma weft, string
// literals, a sequential loop's body, code between the loops.
// RUN: %weftc %s -o %t.cpp
// RUN: %python %S/Inputs/check_rest_identical.py %s %t.cpp | FileCheck %s
// RUN: %check_parallel %t.cpp
// CHECK: PASS: identical outside 4 marked regions (4 rewritten)
#include <weft/weft.h> /*rewrite*/
/*rewrite*/
#include <cstdio>   

namespace {
const char* kNote = "#pragma weft parallel_for is only a string here";

struct Stats {
	double sum = 0.0;   // a tab before, spaces after   
};
}  // namespace

double run(int n) {
  weft::DistArray<double, 1> A({n}), B({n});
  /* a block comment
     #pragma weft parallel_for (inside a comment: not a pragma) */
/*rewrite*/
  #pragma weft parallel_for
  for (int i = 0; i < n; ++i) {
    A(i) = 0.5 * i;	// tab
  }
/*rewrite*/
  Stats s;
  for (int i = 0; i < n; ++i) s.sum += A(i);   
/*rewrite*/
  #pragma weft parallel_for ordered
/*rewrite*/
  for (int i = 1; i < n; ++i)
    B(i) = B(i - 1) + A(i);
  return s.sum + B(n - 1);
}

/*rewrite*/int main(int argc, char** argv) {/*rewrite*/
  std::printf("%s %f\n", kNote, run(argc + 10));
  return argv == nullptr;
}
