// weft/serve.h: the encoders, the subtraction decoder and groups, serially.
//
// With a linear base model F(x) = W x (no bias), the addition code's parity model can be F
// itself: F(X_1 + ... + X_k) = F(X_1) + ... + F(X_k), so decoding is exact up to float
// rounding (checked to 1e-5).
#include <weft/serve.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

namespace nn = weft::nn;
namespace serve = weft::serve;
using nn::Tensor;

Tensor random_tensor(std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  Tensor t({rows, cols});
  t.randomize(seed, 0.0f, 1.0f);
  return t;
}

Tensor zeros(std::int64_t rows, std::int64_t cols) { return Tensor({rows, cols}); }

void expect_rows_near(nn::ConstMatrix a, nn::ConstMatrix b, float tolerance, const std::string &what) {
  ASSERT_EQ(a.rows(), b.rows()) << what;
  ASSERT_EQ(a.cols(), b.cols()) << what;
  for (std::int64_t r = 0; r < a.rows(); ++r) {
    for (std::int64_t c = 0; c < a.cols(); ++c)
      ASSERT_NEAR(a(r, c), b(r, c), tolerance) << what << " at (" << r << ", " << c << ")";
  }
}

TEST(ServeCode, AdditionWithALinearModelAsItsOwnParityModelDecodesExactly) {
  const std::int64_t d = 784, classes = 10;
  Tensor W = random_tensor(classes, d, 1), b = zeros(1, classes);
  for (std::int64_t k : {2, 3, 4, 5}) {
    const serve::Code code = serve::make_code("addition", k);
    const Tensor X = random_tensor(k, d, 10 + static_cast<std::uint64_t>(k));
    Tensor P = zeros(1, d), Y = zeros(k, classes), Fp = zeros(1, classes);
    serve::encode(code, X, P);
    nn::linear(X, W, b, Y);
    nn::linear(P, W, b, Fp); // the parity model is the base model itself
    for (std::int64_t missing = 0; missing < k; ++missing) {
      Tensor decoded = zeros(1, classes);
      serve::decode(Y, missing, Fp, decoded);
      expect_rows_near(decoded, nn::rows(Y, missing, 1), 1e-5f * 784,
                       "k = " + std::to_string(k) + ", missing " + std::to_string(missing));
    }
  }
}

TEST(ServeCode, AdditionEncodesTheSumOfTheGroupsRows) {
  const serve::Code code = serve::make_code("addition", 3);
  const Tensor X = random_tensor(6, 5, 2); // two groups of three
  Tensor P = zeros(2, 5);
  serve::encode(code, X, P);
  for (std::int64_t g = 0; g < 2; ++g) {
    for (std::int64_t c = 0; c < 5; ++c)
      EXPECT_NEAR(P(g, c), X(3 * g, c) + X(3 * g + 1, c) + X(3 * g + 2, c), 1e-6f);
  }
}

TEST(ServeCode, ConcatenationCellsRoundTripToTheDownsampledQueries) {
  for (std::int64_t k : {2, 4}) {
    const serve::Code code = serve::make_code("concatenation", k, 28, 28);
    const Tensor X = random_tensor(2 * k, 784, 3); // two groups
    Tensor P = zeros(2, 784), small = zeros(2 * k, 784 / k);
    serve::encode(code, X, P);
    serve::downsample(code, X, small);
    for (std::int64_t g = 0; g < 2; ++g) {
      for (std::int64_t m = 0; m < k; ++m) {
        Tensor tile = zeros(1, 784 / k);
        serve::cell(code, nn::rows(P, g, 1), m, tile);
        expect_rows_near(tile, nn::rows(small, g * k + m, 1), 0.0f,
                         "k = " + std::to_string(k) + ", group " + std::to_string(g) + ", cell " +
                             std::to_string(m));
      }
    }
  }
}

TEST(ServeCode, ConcatenationAveragesBlocksIntoTheGrid) {
  // 4 x 4 images; k = 4: 2 x 2 blocks, cells 2 x 2 in row-major order of a 2 x 2 grid.
  const serve::Code code = serve::make_code("concatenation", 4, 4, 4);
  Tensor X = zeros(4, 16), P = zeros(1, 16);
  for (std::int64_t m = 0; m < 4; ++m) {
    for (std::int64_t i = 0; i < 16; ++i)
      X(m, i) = static_cast<float>(m * 100 + i);
  }
  serve::encode(code, X, P);
  // Query 0's top-left block holds pixels 0, 1, 4, 5: mean 2.5; query 3's bottom-right
  // block 10, 11, 14, 15: mean 312.5, at the parity's bottom-right pixel.
  EXPECT_FLOAT_EQ(P(0, 0), 2.5f);
  EXPECT_FLOAT_EQ(P(0, 15), 312.5f);
  // Query 1's top-left block sits at parity pixel (0, 2).
  EXPECT_FLOAT_EQ(P(0, 2), 102.5f);
  // k = 2: 1 x 2 blocks, two 4 x 2 halves side by side.
  const serve::Code two = serve::make_code("concatenation", 2, 4, 4);
  Tensor P2 = zeros(1, 16);
  serve::encode(two, nn::rows(X, 0, 2), P2);
  EXPECT_FLOAT_EQ(P2(0, 0), 0.5f);   // query 0, pixels 0 and 1
  EXPECT_FLOAT_EQ(P2(0, 2), 100.5f); // query 1, pixels 0 and 1
  EXPECT_FLOAT_EQ(P2(0, 7), 106.5f); // query 1, pixels 6 and 7
}

TEST(ServeCode, DecodeRoundTripsEveryEncoderThroughALinearParityModel) {
  // For each encoder, a parity model that is linear in P gives Fp(E(X)) = sum F(X_m) for a
  // base model F(x) = A (cells of x): decode(outputs, m, Fp) = F(X_m).
  const std::int64_t classes = 10;
  for (const auto &[name, k] : std::vector<std::pair<std::string, std::int64_t>>{
           {"addition", 2}, {"addition", 4}, {"concatenation", 2}, {"concatenation", 4}}) {
    const serve::Code code = serve::make_code(name, k);
    const Tensor X = random_tensor(k, 784, 4);
    Tensor P = zeros(1, 784);
    serve::encode(code, X, P);
    Tensor Y = zeros(k, classes), Fp = zeros(1, classes);
    if (name == "addition") {
      const Tensor W = random_tensor(classes, 784, 5);
      const Tensor b = zeros(1, classes);
      nn::linear(X, W, b, Y);
      nn::linear(P, W, b, Fp);
    } else {
      // F(x) = A downsample(x); Fp(P) = sum_m A cell(P, m).
      const Tensor A = random_tensor(classes, 784 / k, 5);
      const Tensor b = zeros(1, classes);
      Tensor small = zeros(k, 784 / k);
      serve::downsample(code, X, small);
      nn::linear(small, A, b, Y);
      for (std::int64_t m = 0; m < k; ++m) {
        Tensor tile = zeros(1, 784 / k), out = zeros(1, classes);
        serve::cell(code, P, m, tile);
        nn::linear(tile, A, b, out);
        for (std::int64_t c = 0; c < classes; ++c)
          Fp(0, c) += out(0, c);
      }
    }
    for (std::int64_t missing = 0; missing < k; ++missing) {
      Tensor decoded = zeros(1, classes);
      serve::decode(Y, missing, Fp, decoded);
      // Outputs of about 100 in float: 1e-5 relative.
      for (std::int64_t c = 0; c < classes; ++c)
        ASSERT_NEAR(decoded(0, c), Y(missing, c), 1e-5f * std::fabs(Y(missing, c)) + 1e-5f)
            << name << " k = " << k << " missing " << missing;
    }
  }
}

TEST(ServeCode, GroupWithAnyOneOfItsResultsMissingAnswersEveryQuery) {
  const std::int64_t k = 3, classes = 4;
  const float outputs[3][4] = {{1, 2, 3, 4}, {-1, 0, 5, 2}, {7, 1, 1, 0}};
  float parity[4];
  for (std::int64_t c = 0; c < classes; ++c)
    parity[c] = outputs[0][c] + outputs[1][c] + outputs[2][c];
  for (std::int64_t absent = 0; absent <= k; ++absent) {
    serve::Group group(k, classes);
    for (std::int64_t slot = 0; slot < k; ++slot) {
      if (slot != absent)
        group.set_result(slot, outputs[slot]);
    }
    EXPECT_FALSE(group.answerable() && absent < k && !group.has_result(k));
    if (absent != k)
      group.set_result(k, parity);
    ASSERT_TRUE(group.answerable()) << "absent " << absent;
    Tensor answers = zeros(k, classes);
    EXPECT_EQ(group.answers(answers), absent == k ? -1 : absent);
    for (std::int64_t m = 0; m < k; ++m) {
      for (std::int64_t c = 0; c < classes; ++c)
        EXPECT_NEAR(answers(m, c), outputs[m][c], 1e-6f) << "absent " << absent;
    }
  }
}

TEST(ServeCode, GroupMissingTwoResultsRefusesToAnswer) {
  serve::Group group(2, 3);
  const float y[3] = {1, 2, 3};
  group.set_result(0, y);
  EXPECT_FALSE(group.answerable());
  Tensor answers = zeros(2, 3);
  EXPECT_THROW(group.answers(answers), weft::Error);
  EXPECT_THROW(group.set_result(3, y), weft::Error);
}

TEST(ServeCode, BadCodesAndShapesAreErrors) {
  EXPECT_THROW(serve::make_code("addition", 1), weft::Error);
  EXPECT_THROW(serve::make_code("concatenation", 3), weft::Error);
  EXPECT_THROW(serve::make_code("concatenation", 2, 27, 28), weft::Error);
  EXPECT_THROW(serve::make_code("xor", 2), weft::Error);
  const serve::Code code = serve::make_code("addition", 2);
  Tensor X = zeros(3, 4), P = zeros(1, 4);
  EXPECT_THROW(serve::encode(code, X, P), weft::Error); // 3 rows for 1 group of 2
  Tensor Y = zeros(2, 3), Fp = zeros(1, 3), out = zeros(1, 3);
  EXPECT_THROW(serve::decode(Y, 2, Fp, out), weft::Error);
  try {
    serve::make_code("concatenation", 3);
  } catch (const weft::Error &e) {
    EXPECT_EQ(std::string(e.what()),
              "weft::serve::check_code: the concatenation encoder takes k = 2 or 4, got 3");
  }
}

} // namespace
