// A header next to the source: the rewritten copy, compiled from the build tree, must
// still find it.
#pragma once
#include <cstdint>
constexpr std::int64_t kSquares = 1000;
