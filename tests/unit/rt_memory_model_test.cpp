// The memory model with one process: a loop leaves its written arrays partitioned (pages
// protected), and every kind of serial access sees them whole again.
#include <gtest/gtest.h>
#include <weft/rt/partition_1d.h>

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "rt_test_session.h"

namespace {

void fill_rows(weft::DistArray<float, 2> &W) {
  weft::rt::partition_1d(weft_test::session(), weft::rt::IndexRange{0, W.shape()[0]},
                         weft::rt::Footprint().write(W, 0), [&](std::int64_t u) {
                           for (int k = 0; k < 8; ++k)
                             W(u, k) = static_cast<float>(u * 8 + k);
                         });
}

bool pending(const weft::DistArray<float, 2> &W) {
  return weft::detail::RuntimeAccess::residency(W).pending != nullptr;
}

TEST(RtMemoryModel, ALoopLeavesItsArrayPartitionedAndAnElementAccessMakesItWhole) {
  weft::DistArray<float, 2> W({5000, 8});
  fill_rows(W);
  EXPECT_TRUE(pending(W));
  // A plain element access (the fault handler materializes the array).
  EXPECT_EQ(W(4999, 7), 4999.0f * 8 + 7);
  for (int u = 0; u < 5000; u += 37)
    EXPECT_EQ(W(u, 3), static_cast<float>(u * 8 + 3));
  // data() checks explicitly and forgets the pending mark.
  EXPECT_EQ(W.data()[8], 8.0f);
  EXPECT_FALSE(pending(W));
}

// Each access on an array of its own: data() makes the array's storage escape, and a
// loop leaves an escaped array whole (see the tests below), so an array whose data()
// was called would not test the next access.
TEST(RtMemoryModel, DataFillRandomizeAndCopiesSeeTheWholeArray) {
  weft::DistArray<float, 2> W({300, 8});
  fill_rows(W);
  EXPECT_TRUE(pending(W));
  const float *p = W.data();
  EXPECT_EQ(p[299 * 8 + 1], 299.0f * 8 + 1);

  weft::DistArray<float, 2> copied({300, 8});
  fill_rows(copied);
  EXPECT_TRUE(pending(copied));
  const weft::DistArray<float, 2> copy(copied);
  EXPECT_EQ(copy(7, 7), 63.0f);

  weft::DistArray<float, 2> source({300, 8});
  fill_rows(source);
  EXPECT_TRUE(pending(source));
  weft::DistArray<float, 2> assigned({1, 1});
  assigned = source;
  EXPECT_EQ(assigned(2, 2), 18.0f);

  weft::DistArray<float, 2> filled({300, 8});
  fill_rows(filled);
  EXPECT_TRUE(pending(filled));
  filled.fill(1.5f);
  EXPECT_EQ(filled(100, 4), 1.5f);

  weft::DistArray<float, 2> randomized({300, 8});
  fill_rows(randomized);
  EXPECT_TRUE(pending(randomized));
  randomized.randomize(3, 0.0f, 1.0f);
  weft::DistArray<float, 2> fresh({300, 8});
  fresh.randomize(3, 0.0f, 1.0f);
  EXPECT_EQ(std::memcmp(randomized.data(), fresh.data(), sizeof(float) * 300 * 8), 0);
}

// A pointer from data() taken before a loop is given to system calls after it: they see
// the loop's values (no EFAULT on a protected page), and what read(2) writes through it
// is what the next serial access and the next loop see.
TEST(RtMemoryModel, SystemCallsThroughAPointerTakenBeforeALoopSeeTheWholeArray) {
  weft::DistArray<float, 2> W({2000, 8});
  float *const p = W.data();
  fill_rows(W);
  EXPECT_FALSE(pending(W));
  const std::size_t bytes = sizeof(float) * 2000 * 8;
  char path[] = "/tmp/weft-rt-memory-model-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  ::unlink(path);
  const ssize_t written = ::write(fd, p, bytes);
  EXPECT_EQ(written, static_cast<ssize_t>(bytes)) << std::strerror(errno);
  std::vector<float> file(2000 * 8);
  EXPECT_EQ(::pread(fd, file.data(), bytes, 0), static_cast<ssize_t>(bytes));
  EXPECT_EQ(file[1999 * 8 + 7], 1999.0f * 8 + 7);
  EXPECT_EQ(file[8], 8.0f);

  // The file, each value + 0.5, read back into W after another loop.
  for (float &v : file)
    v += 0.5f;
  EXPECT_EQ(::pwrite(fd, file.data(), bytes, 0), static_cast<ssize_t>(bytes));
  fill_rows(W);
  const ssize_t got = ::pread(fd, p, bytes, 0);
  EXPECT_EQ(got, static_cast<ssize_t>(bytes)) << std::strerror(errno);
  ::close(fd);
  EXPECT_EQ(W(1999, 7), 1999.0f * 8 + 7.5f);
  weft::Accumulator<double> total(0.0);
  weft::rt::partition_1d(weft_test::session(), weft::rt::IndexRange{0, 2000},
                         weft::rt::Footprint().read(W, 0).reduce(total),
                         [&](std::int64_t u) { total += W(u, 2); });
  double serial = 0.0;
  for (int u = 0; u < 2000; ++u)
    serial += u * 8 + 2.5;
  EXPECT_EQ(total.value(), serial);
}

TEST(RtMemoryModel, AMovedArrayKeepsItsRecordAndAReassignedOneDropsIt) {
  weft::DistArray<float, 2> W({200, 8});
  fill_rows(W);
  weft::DistArray<float, 2> moved(std::move(W));
  EXPECT_TRUE(pending(moved));
  EXPECT_EQ(moved(199, 0), 199.0f * 8);

  fill_rows(moved);
  moved = weft::DistArray<float, 2>({10, 8});
  EXPECT_FALSE(pending(moved));
  EXPECT_EQ(moved(9, 7), 0.0f);
}

TEST(RtMemoryModel, APartitionedArrayThatIsDestroyedGivesItsPagesBack) {
  for (int n = 0; n < 50; ++n) {
    weft::DistArray<float, 2> W({1000 + n, 8});
    fill_rows(W);
  }
  weft::DistArray<float, 2> after({64, 8});
  after(63, 7) = 1.0f; // allocation may reuse the pages: they must be accessible
  EXPECT_EQ(after(63, 7), 1.0f);
}

} // namespace
