// wavefront with one process and two workers: bit-identical to the serial loop nest,
// for a halo of one (edit distance) and of two (a recurrence reaching two rows up).
#include <gtest/gtest.h>
#include <weft/rt/wavefront.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "rt_test_session.h"

namespace {

std::string random_string(std::uint64_t seed, int length) {
  std::string s;
  for (int n = 0; n < length; ++n)
    s += static_cast<char>('a' + weft::detail::splitmix64_at(seed, n) % 4);
  return s;
}

TEST(RtWavefront, EditDistanceIsBitIdenticalToTheSerialLoop) {
  const std::string a = random_string(1, 333), b = random_string(2, 257);
  const std::int64_t n = a.size(), m = b.size();
  weft::DistArray<float, 2> serial({n + 1, m + 1}), parallel({n + 1, m + 1});
  for (auto *D : {&serial, &parallel}) {
    for (std::int64_t i = 0; i <= n; ++i)
      (*D)(i, 0) = 0.75f * static_cast<float>(i);
    for (std::int64_t j = 0; j <= m; ++j)
      (*D)(0, j) = 1.25f * static_cast<float>(j);
  }
  const auto cell = [&](weft::DistArray<float, 2> &D, std::int64_t i, std::int64_t j) {
    const float substitute = D(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0.0f : 1.1f);
    D(i, j) = std::min({D(i - 1, j) + 0.75f, D(i, j - 1) + 1.25f, substitute});
  };
  for (std::int64_t i = 1; i <= n; ++i) {
    for (std::int64_t j = 1; j <= m; ++j)
      cell(serial, i, j);
  }
  weft::rt::wavefront(weft_test::session(), weft::rt::Wavefront{{1, n + 1}, {1, m + 1}},
                      weft::rt::Footprint().write(parallel, 0),
                      [&](std::int64_t i, std::int64_t j) { cell(parallel, i, j); });
  EXPECT_EQ(std::memcmp(serial.data(), parallel.data(),
                        sizeof(float) * static_cast<std::size_t>(serial.size())),
            0);
  EXPECT_EQ(parallel(n, m), serial(n, m));
}

TEST(RtWavefront, AHaloOfTwoRowsAndColumns) {
  const std::int64_t n = 120, m = 90;
  weft::DistArray<double, 2> serial({n, m}), parallel({n, m});
  for (auto *D : {&serial, &parallel}) {
    for (std::int64_t i = 0; i < n; ++i) {
      for (std::int64_t j = 0; j < m; ++j)
        (*D)(i, j) = (i < 2 || j < 2) ? static_cast<double>(i * 3 + j) : 0.0;
    }
  }
  const auto cell = [](weft::DistArray<double, 2> &D, std::int64_t i, std::int64_t j) {
    D(i, j) = 0.5 * D(i - 2, j - 1) + 0.25 * D(i - 1, j - 2) + 0.125 * D(i, j - 1) + 1.0;
  };
  for (std::int64_t i = 2; i < n; ++i) {
    for (std::int64_t j = 2; j < m; ++j)
      cell(serial, i, j);
  }
  weft::rt::wavefront(weft_test::session(), weft::rt::Wavefront{{2, n}, {2, m}, 2, 2},
                      weft::rt::Footprint().write(parallel, 0),
                      [&](std::int64_t i, std::int64_t j) { cell(parallel, i, j); });
  EXPECT_EQ(std::memcmp(serial.data(), parallel.data(),
                        sizeof(double) * static_cast<std::size_t>(serial.size())),
            0);
}

} // namespace
