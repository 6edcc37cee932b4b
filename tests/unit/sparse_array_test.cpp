#include <weft/weft.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace {

using Key2 = std::array<std::int64_t, 2>;

TEST(SparseArray, EmptyHasSizeZeroAndShapeZero) {
  weft::SparseArray<float, 2> R;
  EXPECT_EQ(R.size(), 0);
  EXPECT_EQ(R.shape(), (Key2{0, 0}));
  EXPECT_EQ(R.begin(), R.end());
}

TEST(SparseArray, IteratesEntriesInInsertionOrder) {
  weft::SparseArray<float, 2> R;
  R.add({3, 1}, 1.5f);
  R.add({0, 7}, -2.0f);
  R.add({2, 2}, 4.0f);
  ASSERT_EQ(R.size(), 3);
  std::vector<Key2> keys;
  std::vector<float> values;
  for (const auto &e : R) {
    keys.push_back(e.key);
    values.push_back(e.value);
  }
  EXPECT_EQ(keys, (std::vector<Key2>{{3, 1}, {0, 7}, {2, 2}}));
  EXPECT_EQ(values, (std::vector<float>{1.5f, -2.0f, 4.0f}));
  EXPECT_EQ(R.entries().size(), 3u);
  EXPECT_EQ(R.entries()[1].key, (Key2{0, 7}));
}

TEST(SparseArray, ShapeIsLargestKeyPlusOnePerDimension) {
  weft::SparseArray<double, 3> T;
  T.add({0, 9, 1}, 1.0);
  T.add({4, 0, 0}, 1.0);
  EXPECT_EQ(T.shape(), (std::array<std::int64_t, 3>{5, 10, 2}));
}

TEST(SparseArray, MutableIterationChangesValues) {
  weft::SparseArray<float, 1> R;
  R.add({0}, 1.0f);
  R.add({5}, 2.0f);
  for (auto &e : R)
    e.value *= 10.0f;
  EXPECT_EQ(R.entries()[0].value, 10.0f);
  EXPECT_EQ(R.entries()[1].value, 20.0f);
  const weft::SparseArray<float, 1> &cR = R;
  float sum = 0;
  for (const auto &e : cR)
    sum += e.value;
  EXPECT_EQ(sum, 30.0f);
}

TEST(SparseArray, AddRejectsANegativeKey) {
  weft::SparseArray<float, 2> R;
  try {
    R.add({1, -2}, 1.0f);
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_STREQ(e.what(), "weft::SparseArray::add: key (1, -2) is negative in dimension 1");
  }
  EXPECT_EQ(R.size(), 0);
}

TEST(SparseArray, TakesAVectorOfEntriesAndChecksTheirKeys) {
  std::vector<weft::Entry<float, 2>> entries{{{1, 2}, 3.0f}, {{4, 0}, 5.0f}};
  const weft::SparseArray<float, 2> R(std::move(entries));
  EXPECT_EQ(R.size(), 2);
  EXPECT_EQ(R.shape(), (Key2{5, 3}));
  try {
    weft::SparseArray<float, 2> bad(std::vector<weft::Entry<float, 2>>{{{-1, 0}, 1.0f}});
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_STREQ(e.what(), "weft::SparseArray: key (-1, 0) is negative in dimension 0");
  }
}

} // namespace
