#include <weft/weft.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <type_traits>

namespace {

TEST(DistArray, IsZeroInitializedWithTheGivenShape) {
  weft::DistArray<float, 2> W({3, 4});
  EXPECT_EQ(W.shape(), (std::array<std::int64_t, 2>{3, 4}));
  EXPECT_EQ(W.size(), 12);
  for (std::int64_t n = 0; n < W.size(); ++n)
    EXPECT_EQ(W.data()[n], 0.0f);
  static_assert(std::is_same_v<weft::DistArray<float, 2>::value_type, float>);
  static_assert(weft::DistArray<float, 2>::rank == 2);
}

TEST(DistArray, AcceptsIntAndInt64ExtentsInBraces) {
  const int num_users = 5;
  const std::int64_t K = 3;
  weft::DistArray<double, 2> W({num_users, K});
  EXPECT_EQ(W.size(), 15);
  weft::DistArray<int, 1> v({K});
  EXPECT_EQ(v.size(), 3);
}

TEST(DistArray, IsRowMajor) {
  weft::DistArray<int, 3> A({2, 3, 4});
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k)
        A(i, j, k) = 100 * i + 10 * j + k;
  // Linear index of (i, j, k) is (i * 3 + j) * 4 + k.
  EXPECT_EQ(A.data()[0], 0);
  EXPECT_EQ(A.data()[1], 1);
  EXPECT_EQ(A.data()[4], 10);
  EXPECT_EQ(A.data()[12], 100);
  EXPECT_EQ(A.data()[(1 * 3 + 2) * 4 + 3], 123);
  const weft::DistArray<int, 3> &cA = A;
  EXPECT_EQ(cA(1, 2, 3), 123);
}

TEST(DistArray, AcceptsAnyIntegralIndexType) {
  weft::DistArray<float, 2> W({4, 4});
  W(std::int64_t{1}, 2u) = 5.0f;
  EXPECT_EQ(W(static_cast<short>(1), std::size_t{2}), 5.0f);
}

TEST(DistArray, EmptyExtentGivesZeroElements) {
  weft::DistArray<float, 2> W({0, 7});
  EXPECT_EQ(W.size(), 0);
  W.fill(1.0f);
  W.randomize(1, 0.0f, 1.0f);
}

TEST(DistArray, NegativeExtentIsAnError) {
  try {
    weft::DistArray<float, 2> W({3, -1});
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_STREQ(e.what(), "weft::DistArray: negative extent in dimension 1 of shape (3, -1)");
  }
}

TEST(DistArray, ElementCountOverflowIsAnError) {
  const std::int64_t big = std::int64_t{1} << 40;
  EXPECT_THROW((weft::DistArray<char, 2>({big, big})), weft::Error);
}

TEST(DistArray, OutOfBoundsIndexIsAnErrorNamingIndexShapeAndDimension) {
  weft::DistArray<float, 2> W({3, 4});
  try {
    W(2, 4) = 1.0f;
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_STREQ(e.what(),
                 "weft::DistArray: index (2, 4) out of bounds for shape (3, 4) (dimension 1)");
  }
  EXPECT_THROW(W(-1, 0), weft::Error);
  EXPECT_THROW(W(3, 0), weft::Error);
  const weft::DistArray<float, 2> &cW = W;
  EXPECT_THROW(cW(0, -1), weft::Error);
  EXPECT_NO_THROW(W(2, 3));
}

TEST(DistArray, FillSetsEveryElement) {
  weft::DistArray<double, 2> A({5, 6});
  A.fill(2.5);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 6; ++j)
      EXPECT_EQ(A(i, j), 2.5);
}

TEST(DistArray, RandomizeIsDeterministicForASeed) {
  weft::DistArray<float, 2> A({50, 8}), B({50, 8}), C({50, 8});
  A.randomize(42, 0.0f, 1.0f);
  B.randomize(42, 0.0f, 1.0f);
  C.randomize(43, 0.0f, 1.0f);
  int differing = 0;
  for (std::int64_t n = 0; n < A.size(); ++n) {
    EXPECT_EQ(A.data()[n], B.data()[n]);
    differing += A.data()[n] != C.data()[n];
  }
  EXPECT_GT(differing, A.size() * 9 / 10);
}

TEST(DistArray, RandomizeStaysInHalfOpenRangeAndCoversIt) {
  weft::DistArray<float, 1> A({100000});
  A.randomize(7, -2.0f, 3.0f);
  double sum = 0;
  float lo = 10, hi = -10;
  for (std::int64_t n = 0; n < A.size(); ++n) {
    const float x = A(n);
    ASSERT_GE(x, -2.0f);
    ASSERT_LT(x, 3.0f);
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    sum += x;
  }
  EXPECT_LT(lo, -1.99f);
  EXPECT_GT(hi, 2.99f);
  EXPECT_NEAR(sum / static_cast<double>(A.size()), 0.5, 0.02); // mean of U[-2, 3)
}

TEST(DistArray, RandomizeIntegersStayInHalfOpenRangeAndHitEveryValue) {
  weft::DistArray<int, 1> A({10000});
  A.randomize(3, -3, 4);
  std::set<int> seen;
  for (std::int64_t n = 0; n < A.size(); ++n) {
    ASSERT_GE(A(n), -3);
    ASSERT_LT(A(n), 4);
    seen.insert(A(n));
  }
  EXPECT_EQ(seen.size(), 7u);
}

TEST(DistArray, RandomizeIsCounterBasedSoTheValueDependsOnlyOnSeedAndLinearIndex) {
  weft::DistArray<float, 2> A({6, 10});
  weft::DistArray<float, 3> B({3, 5, 4});
  weft::DistArray<float, 1> C({60});
  A.randomize(9, 0.0f, 1.0f);
  B.randomize(9, 0.0f, 1.0f);
  C.randomize(9, 0.0f, 1.0f);
  for (std::int64_t n = 0; n < 60; ++n) {
    EXPECT_EQ(A.data()[n], C(n));
    EXPECT_EQ(B.data()[n], C(n));
  }
  // And it is output n of splitmix64, which a runtime can compute for one element.
  EXPECT_EQ(C(37),
            weft::detail::uniform_from_bits<float>(weft::detail::splitmix64_at(9, 37), 0.0f, 1.0f));
}

TEST(DistArray, Splitmix64MatchesTheReferenceSequence) {
  // First outputs of the reference splitmix64.c seeded with 1234567.
  EXPECT_EQ(weft::detail::splitmix64_at(1234567, 0), 6457827717110365317ULL);
  EXPECT_EQ(weft::detail::splitmix64_at(1234567, 1), 3203168211198807973ULL);
  EXPECT_EQ(weft::detail::splitmix64_at(1234567, 2), 9817491932198370423ULL);
}

TEST(DistArray, RandomizeRejectsAnEmptyOrInfiniteRange) {
  weft::DistArray<float, 1> A({4});
  try {
    A.randomize(1, 1.5f, 1.5f);
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_STREQ(
        e.what(),
        "weft::DistArray::randomize: invalid range [1.5, 1.5): need lo < hi and a finite width");
  }
  EXPECT_THROW(A.randomize(1, 2.0f, 1.0f), weft::Error);
  EXPECT_THROW(A.randomize(1, -3e38f, 3e38f), weft::Error);
  weft::DistArray<int, 1> B({4});
  EXPECT_THROW(B.randomize(1, 5, 5), weft::Error);
}

TEST(DistArray, IsCopyableAsAValue) {
  weft::DistArray<float, 2> A({2, 2});
  A(1, 1) = 3.0f;
  weft::DistArray<float, 2> B = A;
  B(1, 1) = 4.0f;
  EXPECT_EQ(A(1, 1), 3.0f);
  EXPECT_EQ(B(1, 1), 4.0f);
}

// The record a parallel runtime reads to make an array whole at the end of every loop
// once a pointer to its storage may be held by code it cannot see (weft.h,
// detail::Residency::escaped). It describes the storage: a copy has new storage, a move
// takes the storage along, a copy assignment keeps the target's storage.
bool escaped(const weft::DistArray<float, 2> &a) {
  return weft::detail::RuntimeAccess::residency(a).escaped;
}

TEST(DistArray, DataRecordsThatTheStorageEscapedAndTheRecordFollowsTheStorage) {
  weft::DistArray<float, 2> A({2, 2});
  A(0, 1) = 1.0f;
  A.fill(2.0f);
  A.randomize(1, 0.0f, 1.0f);
  EXPECT_FALSE(escaped(A)); // element access, fill and randomize hand out no pointer
  const weft::DistArray<float, 2> &cA = A;
  EXPECT_NE(cA.data(), nullptr);
  EXPECT_TRUE(escaped(A));

  const weft::DistArray<float, 2> copy(A);
  EXPECT_FALSE(escaped(copy));
  weft::DistArray<float, 2> moved(std::move(A));
  EXPECT_TRUE(escaped(moved));

  weft::DistArray<float, 2> target({2, 2});
  EXPECT_NE(target.data(), nullptr); // a pointer to target's storage escapes
  target = copy;                     // std::vector may copy into that storage
  EXPECT_TRUE(escaped(target));
  weft::DistArray<float, 2> fresh({2, 2});
  fresh = copy;
  EXPECT_FALSE(escaped(fresh));
  fresh = std::move(moved);
  EXPECT_TRUE(escaped(fresh));
}

} // namespace
