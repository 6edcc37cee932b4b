// The memory model with one process: a loop leaves its written arrays partitioned (pages
// protected), and every kind of serial access sees them whole again.
#include <gtest/gtest.h>
#include <weft/rt/partition_1d.h>

#include <cstdint>
#include <cstring>

#include "rt_test_session.h"

namespace {

void fill_rows(weft::DistArray<float, 2>& W) {
  weft::rt::partition_1d(weft_test::session(), weft::rt::IndexRange{0, W.shape()[0]},
                         weft::rt::Footprint().write(W, 0), [&](std::int64_t u) {
                           for (int k = 0; k < 8; ++k) W(u, k) = static_cast<float>(u * 8 + k);
                         });
}

bool pending(const weft::DistArray<float, 2>& W) {
  return weft::detail::RuntimeAccess::residency(W).pending != nullptr;
}

TEST(RtMemoryModel, ALoopLeavesItsArrayPartitionedAndAnElementAccessMakesItWhole) {
  weft::DistArray<float, 2> W({5000, 8});
  fill_rows(W);
  EXPECT_TRUE(pending(W));
  // A plain element access (the fault handler materializes the array).
  EXPECT_EQ(W(4999, 7), 4999.0f * 8 + 7);
  for (int u = 0; u < 5000; u += 37) EXPECT_EQ(W(u, 3), static_cast<float>(u * 8 + 3));
  // data() checks explicitly and forgets the pending mark.
  EXPECT_EQ(W.data()[8], 8.0f);
  EXPECT_FALSE(pending(W));
}

TEST(RtMemoryModel, DataFillRandomizeAndCopiesSeeTheWholeArray) {
  weft::DistArray<float, 2> W({300, 8});
  fill_rows(W);
  const float* p = W.data();
  EXPECT_EQ(p[299 * 8 + 1], 299.0f * 8 + 1);

  fill_rows(W);
  const weft::DistArray<float, 2> copy(W);
  EXPECT_EQ(copy(7, 7), 63.0f);

  fill_rows(W);
  weft::DistArray<float, 2> assigned({1, 1});
  assigned = W;
  EXPECT_EQ(assigned(2, 2), 18.0f);

  fill_rows(W);
  W.fill(1.5f);
  EXPECT_EQ(W(100, 4), 1.5f);

  fill_rows(W);
  W.randomize(3, 0.0f, 1.0f);
  weft::DistArray<float, 2> fresh({300, 8});
  fresh.randomize(3, 0.0f, 1.0f);
  EXPECT_EQ(std::memcmp(W.data(), fresh.data(), sizeof(float) * 300 * 8), 0);
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
  after(63, 7) = 1.0f;  // allocation may reuse the pages: they must be accessible
  EXPECT_EQ(after(63, 7), 1.0f);
}

}  // namespace
