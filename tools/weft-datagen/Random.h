// The random numbers of weft-datagen: xoshiro256** (Blackman and Vigna), seeded through
// splitmix64, with our own uniform, bounded and normal draws. std:: distributions are
// avoided on purpose: their output differs between standard libraries, and a data set
// must be the same file for a seed everywhere.
#pragma once

#include <cmath>
#include <cstdint>

#include "weft/detail/splitmix64.h"

namespace weft::datagen {

class Xoshiro256 {
public:
  // Independent generators for one seed are told apart by `stream`.
  Xoshiro256(std::uint64_t seed, std::uint64_t stream) {
    const std::uint64_t base = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    for (int i = 0; i < 4; ++i)
      s_[i] = weft::detail::splitmix64_at(base, static_cast<std::uint64_t>(i));
    // splitmix64 is a bijection of distinct states, so at most one word can be zero and
    // the all-zero state (xoshiro's one fixed point) cannot occur.
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1p-53; }

  // Uniform in [0, n) for n >= 1, exactly (Lemire's multiply-and-reject method).
  std::uint64_t below(std::uint64_t n) {
    __extension__ using u128 = unsigned __int128;
    u128 m = static_cast<u128>(next()) * n;
    std::uint64_t low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n; // 2^64 mod n
      while (low < threshold) {
        m = static_cast<u128>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  // Standard normal, Box-Muller; the second value of each pair is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    const double u1 =
        static_cast<double>((next() >> 11) + 1) * 0x1p-53; // (0, 1], so log(u1) is finite
    const double u2 = uniform01();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(kTwoPi * u2);
    has_spare_ = true;
    return r * std::cos(kTwoPi * u2);
  }

private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::uint64_t s_[4];
  double spare_ = 0.0;
  bool has_spare_ = false;
};

} // namespace weft::datagen
