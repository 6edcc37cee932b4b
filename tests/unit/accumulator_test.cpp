#include <weft/weft.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>

namespace {

TEST(Accumulator, DefaultsToPlusAndSums) {
  weft::Accumulator<double> sq_err(0.0);
  for (int i = 1; i <= 4; ++i)
    sq_err += i * i;
  EXPECT_EQ(sq_err.value(), 30.0);
  static_assert(std::is_same_v<weft::Accumulator<double>::op_type, std::plus<double>>);
}

TEST(Accumulator, DefaultInitialValueIsValueInitialized) {
  weft::Accumulator<int> count;
  count += 2;
  EXPECT_EQ(count.value(), 2);
}

TEST(Accumulator, AcceptsAFloatExpressionIntoADoubleSum) {
  weft::Accumulator<double> acc(0.0);
  const float err = 0.5f;
  acc += err * err;
  EXPECT_EQ(acc.value(), 0.25);
}

TEST(Accumulator, ResetReplacesTheValue) {
  weft::Accumulator<double> acc(1.0);
  acc += 2.0;
  acc.reset(10.0);
  acc += 1.0;
  EXPECT_EQ(acc.value(), 11.0);
}

TEST(Accumulator, MaxAndMinKeepTheExtremes) {
  weft::Accumulator<float, weft::Max<float>> largest(
      weft::reduction_identity<weft::Max<float>, float>::value());
  weft::Accumulator<int, weft::Min<int>> smallest(
      weft::reduction_identity<weft::Min<int>, int>::value());
  for (int x : {3, -7, 12, 5}) {
    largest += static_cast<float>(x);
    smallest += x;
  }
  EXPECT_EQ(largest.value(), 12.0f);
  EXPECT_EQ(smallest.value(), -7);
}

TEST(Accumulator, MultipliesWithAnExplicitOp) {
  weft::Accumulator<std::int64_t, std::multiplies<std::int64_t>> product(1);
  for (int i = 1; i <= 5; ++i)
    product += i;
  EXPECT_EQ(product.value(), 120);
}

TEST(ReductionIdentity, IsZeroForPlusAndOneForMultiplies) {
  EXPECT_EQ((weft::reduction_identity<std::plus<double>, double>::value()), 0.0);
  EXPECT_EQ((weft::reduction_identity<std::plus<int>, int>::value()), 0);
  EXPECT_EQ((weft::reduction_identity<std::multiplies<float>, float>::value()), 1.0f);
  EXPECT_EQ((weft::reduction_identity<std::multiplies<std::int64_t>, std::int64_t>::value()), 1);
}

TEST(ReductionIdentity, IsTheBottomForMaxAndTheTopForMin) {
  EXPECT_EQ((weft::reduction_identity<weft::Max<int>, int>::value()),
            std::numeric_limits<int>::lowest());
  EXPECT_EQ((weft::reduction_identity<weft::Min<int>, int>::value()),
            std::numeric_limits<int>::max());
  // Floating types have infinities, which are the true identities.
  EXPECT_EQ((weft::reduction_identity<weft::Max<double>, double>::value()),
            -std::numeric_limits<double>::infinity());
  EXPECT_EQ((weft::reduction_identity<weft::Min<float>, float>::value()),
            std::numeric_limits<float>::infinity());
}

// Op(identity, x) == x for each supported op: what a runtime relies on when it starts
// each partial reduction at the identity.
template <class Op, class T> void expect_identity_is_neutral(T x) {
  const T e = weft::reduction_identity<Op, T>::value();
  EXPECT_EQ(Op{}(e, x), x);
  EXPECT_EQ(Op{}(x, e), x);
}

TEST(ReductionIdentity, IsNeutralForItsOp) {
  for (double x : {-1e308, -3.5, 0.0, 2.0, 1e308, -std::numeric_limits<double>::infinity()}) {
    expect_identity_is_neutral<std::plus<double>>(x);
    expect_identity_is_neutral<std::multiplies<double>>(x);
    expect_identity_is_neutral<weft::Max<double>>(x);
    expect_identity_is_neutral<weft::Min<double>>(x);
  }
  for (int x : {std::numeric_limits<int>::lowest(), -4, 0, 9, std::numeric_limits<int>::max()}) {
    expect_identity_is_neutral<weft::Max<int>>(x);
    expect_identity_is_neutral<weft::Min<int>>(x);
  }
}

TEST(ReductionIdentity, StartsAnEmptyReduction) {
  weft::Accumulator<float, weft::Max<float>> acc(
      weft::reduction_identity<weft::Max<float>, float>::value());
  EXPECT_EQ(acc.value(), -std::numeric_limits<float>::infinity());
}

} // namespace
