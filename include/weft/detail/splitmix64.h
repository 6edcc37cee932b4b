// weft::detail — counter-based random numbers (splitmix64).
//
// DistArray::randomize gives element n a value computed from (seed, n) alone, so any
// process of a distributed runtime can reproduce any element without generating the
// ones before it. splitmix64 is such a generator: its state after n + 1 steps from
// `seed` is seed + (n + 1) * gamma, and its output is a bijective mix of that state.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

namespace weft::detail {

inline constexpr std::uint64_t kSplitmix64Gamma = 0x9e3779b97f4a7c15ULL;

// The splitmix64 finalizer (Steele, Lea, Flood 2014): a bijection on 64-bit words whose
// every output bit depends on every input bit.
inline constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Output number n (0-based) of splitmix64 seeded with `seed`.
inline constexpr std::uint64_t splitmix64_at(std::uint64_t seed, std::uint64_t n) {
  return mix64(seed + (n + 1) * kSplitmix64Gamma);
}

// Maps a uniform 64-bit word x to T uniform in [lo, hi); requires lo < hi.
// Floating T: the top 24 (float) or 53 (other types) bits of x give u in [0, 1), and the
// result lo + u * (hi - lo) is pulled below hi if rounding reached it.
// Integral T: lo + x mod (hi - lo); the modulo bias is below (hi - lo) / 2^64.
template <class T> T uniform_from_bits(std::uint64_t x, T lo, T hi) {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>,
                "uniform_from_bits needs an arithmetic value type");
  if constexpr (std::is_floating_point_v<T>) {
    T u;
    if constexpr (std::is_same_v<T, float>) {
      u = static_cast<float>(x >> 40) * 0x1p-24f;
    } else {
      u = static_cast<T>(static_cast<double>(x >> 11) * 0x1p-53);
    }
    T v = lo + u * (hi - lo);
    if (!(v < hi))
      v = std::nextafter(hi, lo);
    return v;
  } else {
    const std::uint64_t range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    return static_cast<T>(static_cast<std::uint64_t>(lo) + x % range);
  }
}

} // namespace weft::detail
