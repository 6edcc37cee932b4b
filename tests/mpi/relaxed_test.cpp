// relaxed on several processes: every process applies every update, in the same order,
// so the copies stay identical; staleness is bounded by max_delay per worker.
#include <gtest/gtest.h>
#include <weft/rt/relaxed.h>

#include <cstdint>

#include "mpi_test_session.h"

namespace {

using weft_test::session;

TEST(Relaxed, BufferedUpdatesFromEveryProcessReachEveryCopy) {
  weft::SparseArray<int, 2> R;
  for (int n = 0; n < 3000; ++n)
    R.add({(n * 31) % 97, n}, n % 11 - 5);
  const weft::SparseArray<int, 2> &cR = R;
  weft::DistArray<std::int64_t, 1> serial({97}), parallel({97});
  for (const auto &e : cR)
    serial(e.key[0]) += e.value * 3;
  weft::Buffer<std::int64_t, 1> d(parallel, weft::apply_add, 25);
  weft::rt::relaxed(session(), cR, weft::rt::Footprint().buffer(d),
                    [&](const weft::Entry<int, 2> &e) { d(e.key[0]) += e.value * 3; });
  for (int u = 0; u < 97; ++u)
    EXPECT_EQ(parallel(u), serial(u)) << u;
}

TEST(Relaxed, StalenessIsBoundedByMaxDelayPerWorker) {
  const std::int64_t d = 5, per_stream = 40;
  const std::int64_t streams = static_cast<std::int64_t>(session().size()) * session().threads();
  weft::DistArray<std::int64_t, 1> counter({1}), seen({per_stream * streams});
  weft::Buffer<std::int64_t, 1> add(counter, weft::apply_add, d);
  // `seen` records what this process's iterations read. It is deliberately not in the
  // footprint: each process checks only its own entries, in its own copy.
  weft::rt::relaxed(session(), weft::rt::IndexRange{0, per_stream * streams},
                    weft::rt::Footprint().buffer(add).read(counter), [&](std::int64_t i) {
                      seen(i) = counter(0);
                      add(0) += 1;
                    });
  EXPECT_EQ(counter(0), per_stream * streams);
  // This process's own iterations: k-th of a stream read streams * d * (k / d).
  const std::int64_t mine = per_stream * session().threads();
  for (std::int64_t n = 0; n < mine; ++n) {
    const std::int64_t i = session().rank() * mine + n;
    EXPECT_EQ(seen(i), streams * d * ((n % per_stream) / d)) << i;
  }
}

} // namespace
