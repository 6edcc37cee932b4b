#include <weft/weft.h>

#include <gtest/gtest.h>

#include <type_traits>

namespace {

TEST(Buffer, ApplyAddAddsTheUpdateToTheTargetImmediately) {
  weft::DistArray<float, 2> W({2, 3});
  weft::Buffer<float, 2> dW(W, weft::apply_add, 1000);
  dW(1, 2) += 1.5f;
  dW(1, 2) += 2.0f;
  dW(0, 0) += -1.0f;
  EXPECT_EQ(W(1, 2), 3.5f);
  EXPECT_EQ(W(0, 0), -1.0f);
  EXPECT_EQ(dW.max_delay(), 1000);
  EXPECT_EQ(&dW.target(), &W);
}

TEST(Buffer, CustomLambdaIsDeducedAndCalledWithTargetAndUpdate) {
  weft::DistArray<double, 1> v({4});
  v.fill(10.0);
  auto scale_down = [](double &target, const double &update) { target -= 0.5 * update; };
  weft::Buffer dv(v, scale_down, 10); // class template argument deduction
  static_assert(std::is_same_v<decltype(dv), weft::Buffer<double, 1, decltype(scale_down)>>);
  dv(2) += 4.0;
  EXPECT_EQ(v(2), 8.0);
  EXPECT_EQ(v(1), 10.0);
}

TEST(Buffer, AStatefulApplyKeepsItsState) {
  weft::DistArray<int, 1> v({1});
  int calls = 0;
  weft::Buffer counted(
      v,
      [&calls](int &target, const int &update) {
        target += update;
        ++calls;
      },
      1);
  counted(0) += 3;
  counted(0) += 4;
  EXPECT_EQ(v(0), 7);
  EXPECT_EQ(calls, 2);
}

TEST(Buffer, MaxDelayBelowOneIsAnError) {
  weft::DistArray<float, 1> v({1});
  try {
    weft::Buffer<float, 1> b(v, weft::apply_add, 0);
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_STREQ(e.what(), "weft::Buffer: max_delay must be at least 1, got 0");
  }
  EXPECT_THROW((weft::Buffer<float, 1>(v, weft::apply_add, -5)), weft::Error);
  EXPECT_NO_THROW((weft::Buffer<float, 1>(v, weft::apply_add, 1)));
}

TEST(Buffer, OutOfBoundsWriteIsAnError) {
  weft::DistArray<float, 2> W({2, 2});
  weft::Buffer<float, 2> dW(W, weft::apply_add, 5);
  EXPECT_THROW(dW(2, 0) += 1.0f, weft::Error);
}

} // namespace
