// Loop dims come from nested loops too: a statement inside 13 nested counted loops is
// past the 12 the dependence analysis takes, and its loop stays sequential with a
// warning that names the limit (no isl work at all).
// RUN: timeout 30 %weftc %s -- -Xclang -verify
#include <weft/weft.h>

#include <cstdint>

void deep(int64_t n, weft::DistArray<float, 1> &A) {
  #pragma weft parallel_for ordered // expected-warning {{loop stays sequential: the loop has more dims than the dependence analysis takes}}
  for (int64_t a = 0; a < n; ++a)
    for (int64_t b = 0; b < n; ++b)
      for (int64_t c = 0; c < n; ++c)
        for (int64_t d = 0; d < n; ++d)
          for (int64_t e = 0; e < n; ++e)
            for (int64_t f = 0; f < n; ++f)
              for (int64_t g = 0; g < n; ++g)
                for (int64_t h = 0; h < n; ++h)
                  for (int64_t i = 0; i < n; ++i)
                    for (int64_t j = 0; j < n; ++j)
                      for (int64_t k = 0; k < n; ++k)
                        for (int64_t l = 0; l < n; ++l)
                          for (int64_t m = 0; m < n; ++m)
                            A(a) += 1.0f; // expected-note {{this statement runs in 13 loop dims (a, b, ..., m); the dependence analysis takes at most 12}}
}
