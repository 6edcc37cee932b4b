// The lines of the 2-D triple files that weft::load_triples<float, 2> reads, as the mf
// and lr data sets write them.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>

#include "AtomicFile.h"

namespace weft::datagen {

// Appends "a b value\n": the keys in decimal, the value with 6 significant digits, like
// printf's %.6g.
inline void write_triple(AtomicFile &out, std::int64_t a, std::int64_t b, double value) {
  constexpr std::size_t kMaxLine = 20 + 1 + 20 + 1 + 32 + 1;
  char *const first = out.reserve(kMaxLine);
  char *const last = first + kMaxLine;
  char *p = std::to_chars(first, last, a).ptr;
  *p++ = ' ';
  p = std::to_chars(p, last, b).ptr;
  *p++ = ' ';
  p = std::to_chars(p, last, value, std::chars_format::general, 6).ptr;
  *p++ = '\n';
  out.written(static_cast<std::size_t>(p - first));
}

} // namespace weft::datagen
