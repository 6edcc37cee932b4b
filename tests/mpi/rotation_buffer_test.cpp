// rotation_2d with a Buffer on several processes, in the shape of samples/lda's Gibbs
// sweep: document-topic counts by document (space), word-topic counts by word (time, they
// rotate), topic totals through a Buffer. After every loop the buffered totals equal the
// serial loop's totals, and every process holds the same ones.
#include <gtest/gtest.h>
#include <weft/rt/rotation_2d.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "mpi_test_session.h"

namespace {

using weft_test::session;

constexpr int kTopics = 6;
constexpr std::int64_t kDocs = 240, kWords = 150;

// Tokens (doc, word, position) -> 1: documents of 20 to 59 tokens, words skewed towards
// small ids, from a fixed hash.
weft::SparseArray<int, 3> corpus() {
  weft::SparseArray<int, 3> c;
  for (std::int64_t d = 0; d < kDocs; ++d) {
    const std::uint64_t h = weft::detail::splitmix64_at(7, static_cast<std::uint64_t>(d));
    const std::int64_t length = 20 + static_cast<std::int64_t>(h % 40);
    for (std::int64_t p = 0; p < length; ++p) {
      const std::uint64_t x =
          weft::detail::splitmix64_at(8, static_cast<std::uint64_t>(d * 1000 + p));
      const std::int64_t w =
          static_cast<std::int64_t>((x % kWords) * ((x >> 32) % kWords) / kWords);
      c.add({d, w, p}, 1);
    }
  }
  return c;
}

double uniform(std::uint64_t seed, const weft::Entry<int, 3> &e) {
  const std::uint64_t x =
      weft::detail::splitmix64_at(seed, static_cast<std::uint64_t>(e.key[0] * 1000 + e.key[2]));
  return static_cast<double>(x >> 11) * 0x1p-53;
}

struct Counts {
  weft::DistArray<int, 2> z{{kDocs, 64}}, ndk{{kDocs, kTopics}}, nwk{{kWords, kTopics}};
  weft::DistArray<std::int64_t, 1> nk{{kTopics}};

  explicit Counts(const weft::SparseArray<int, 3> &c) {
    for (const auto &e : c) {
      const int t = static_cast<int>(uniform(99, e) * kTopics);
      z(e.key[0], e.key[2]) = t;
      ndk(e.key[0], t) += 1;
      nwk(e.key[1], t) += 1;
      nk(t) += 1;
    }
  }

  // One token: out of the counts, a new topic, back in. With `gibbs`, the new topic is
  // drawn from the collapsed conditional, which reads the totals (stale through the
  // Buffer); otherwise it is a hash of the token and `seed` alone.
  template <class Totals>
  void resample(const weft::Entry<int, 3> &e, std::uint64_t seed, bool gibbs, Totals &totals) {
    const std::int64_t d = e.key[0], w = e.key[1], p = e.key[2];
    const int old_topic = z(d, p);
    ndk(d, old_topic) -= 1;
    nwk(w, old_topic) -= 1;
    totals(old_topic) += -1;
    int new_topic = static_cast<int>(uniform(seed, e) * kTopics);
    if (gibbs) {
      double cumulative[kTopics];
      double sum = 0.0;
      for (int k = 0; k < kTopics; ++k) {
        sum +=
            (ndk(d, k) + 0.1) * (nwk(w, k) + 0.01) / (static_cast<double>(nk(k)) + kWords * 0.01);
        cumulative[k] = sum;
      }
      const double u = uniform(seed, e) * sum;
      new_topic = 0;
      for (int k = 0; k < kTopics - 1; ++k)
        new_topic += cumulative[k] <= u ? 1 : 0;
    }
    z(d, p) = new_topic;
    ndk(d, new_topic) += 1;
    nwk(w, new_topic) += 1;
    totals(new_topic) += 1;
  }
};

// Every process's totals, on every process.
std::vector<std::int64_t> all_totals(weft::DistArray<std::int64_t, 1> &nk) {
  std::vector<std::int64_t> counts;
  const auto bytes = session().transport().allgatherv(nk.data(), kTopics * sizeof(std::int64_t),
                                                      counts, weft::rt::Kind::Control);
  std::vector<std::int64_t> out(bytes.size() / sizeof(std::int64_t));
  std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

TEST(RotationBuffers, TotalsEqualTheSerialLoopsAfterEveryLoop) {
  const weft::SparseArray<int, 3> c = corpus();
  Counts serial(c), parallel(c);
  weft::Buffer<std::int64_t, 1> dnk(parallel.nk, weft::apply_add, 8);
  for (int epoch = 0; epoch < 3; ++epoch) {
    for (const auto &e : c)
      serial.resample(e, static_cast<std::uint64_t>(epoch), false, serial.nk);
    weft::rt::rotation_2d(session(), c, 0, 1,
                          weft::rt::Footprint()
                              .write(parallel.z, 0)
                              .write(parallel.ndk, 0)
                              .write(parallel.nwk, 1)
                              .buffer(dnk)
                              .read(parallel.nk),
                          [&](const weft::Entry<int, 3> &e) {
                            parallel.resample(e, static_cast<std::uint64_t>(epoch), false, dnk);
                          });
    for (int k = 0; k < kTopics; ++k)
      EXPECT_EQ(parallel.nk(k), serial.nk(k)) << "epoch " << epoch << ", topic " << k;
  }
  for (std::int64_t d = 0; d < kDocs; ++d) {
    for (int k = 0; k < kTopics; ++k)
      EXPECT_EQ(parallel.ndk(d, k), serial.ndk(d, k));
  }
  for (std::int64_t w = 0; w < kWords; ++w) {
    for (int k = 0; k < kTopics; ++k)
      EXPECT_EQ(parallel.nwk(w, k), serial.nwk(w, k));
  }
}

TEST(RotationBuffers, GibbsSweepsWithStaleTotalsKeepTheCountsConsistent) {
  // The sampler reads the totals while other processes' updates are held back, so its
  // draws differ from the serial loop's; but after each loop the totals are exactly the
  // serial recount of the topics, the same on every process.
  const weft::SparseArray<int, 3> c = corpus();
  Counts parallel(c);
  weft::Buffer<std::int64_t, 1> dnk(parallel.nk, weft::apply_add, 8);
  weft::Accumulator<std::int64_t> tokens(0);
  for (int epoch = 0; epoch < 3; ++epoch) {
    weft::rt::rotation_2d(session(), c, 0, 1,
                          weft::rt::Footprint()
                              .write(parallel.z, 0)
                              .write(parallel.ndk, 0)
                              .write(parallel.nwk, 1)
                              .buffer(dnk)
                              .read(parallel.nk)
                              .reduce(tokens),
                          [&](const weft::Entry<int, 3> &e) {
                            parallel.resample(e, 100 + static_cast<std::uint64_t>(epoch), true,
                                              dnk);
                            tokens += 1;
                          });
    std::int64_t recount[kTopics] = {}, by_doc[kTopics] = {}, by_word[kTopics] = {};
    for (const auto &e : c)
      ++recount[parallel.z(e.key[0], e.key[2])];
    for (std::int64_t d = 0; d < kDocs; ++d) {
      for (int k = 0; k < kTopics; ++k)
        by_doc[k] += parallel.ndk(d, k);
    }
    for (std::int64_t w = 0; w < kWords; ++w) {
      for (int k = 0; k < kTopics; ++k)
        by_word[k] += parallel.nwk(w, k);
    }
    for (int k = 0; k < kTopics; ++k) {
      EXPECT_EQ(parallel.nk(k), recount[k]) << "epoch " << epoch << ", topic " << k;
      EXPECT_EQ(by_doc[k], recount[k]);
      EXPECT_EQ(by_word[k], recount[k]);
    }
    const std::vector<std::int64_t> everywhere = all_totals(parallel.nk);
    for (std::size_t n = 0; n < everywhere.size(); ++n) {
      EXPECT_EQ(everywhere[n], parallel.nk(static_cast<std::int64_t>(n % kTopics)))
          << "process " << n / kTopics;
    }
  }
  EXPECT_EQ(tokens.value(), 3 * c.size());
}

} // namespace
