// SGD matrix factorization (the update of samples/mf/mf.cpp) with a hand-called
// rotation_2d reaches the serial loop's test RMSE within 1%, on the same data (from
// weft-datagen; paths in WEFT_TEST_MF_TRAIN and WEFT_TEST_MF_TEST) and epochs.
#include <gtest/gtest.h>
#include <weft/rt/rotation_2d.h>
#include <weft/rt/sparse.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "mpi_test_session.h"

namespace {

using weft_test::session;

// Step size and regularization for which both loops reach the plateau (test RMSE about
// 0.478 here) within the epochs: compared in the middle of SGD's steep descent, two
// orders of the same updates can be several percent apart at one epoch.
constexpr int K = 16;
constexpr int kEpochs = 40;
constexpr float kLr = 0.05f, kReg = 0.05f;

struct Model {
  weft::DistArray<float, 2> W, H;
  Model(std::int64_t users, std::int64_t items) : W({users, K}), H({items, K}) {
    W.randomize(1, -0.1f, 0.1f);
    H.randomize(2, -0.1f, 0.1f);
  }
  // mf.cpp's loop body.
  float update(const weft::Entry<float, 2> &e) {
    const std::int64_t u = e.key[0], i = e.key[1];
    float err = e.value;
    for (int k = 0; k < K; ++k)
      err -= W(u, k) * H(i, k);
    for (int k = 0; k < K; ++k) {
      const float w = W(u, k);
      W(u, k) += kLr * (err * H(i, k) - kReg * w);
      H(i, k) += kLr * (err * w - kReg * H(i, k));
    }
    return err;
  }
  double rmse(const weft::SparseArray<float, 2> &R) const {
    double sq = 0;
    for (const auto &e : R) {
      float err = e.value;
      for (int k = 0; k < K; ++k)
        err -= W(e.key[0], k) * H(e.key[1], k);
      sq += static_cast<double>(err) * err;
    }
    return std::sqrt(sq / static_cast<double>(R.size()));
  }
};

std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? v : "";
}

TEST(SgdMatrixFactorization, Rotation2DReachesTheSerialTestRmseWithinOnePercent) {
  const std::string train_path = env("WEFT_TEST_MF_TRAIN"), test_path = env("WEFT_TEST_MF_TEST");
  ASSERT_FALSE(train_path.empty()) << "set WEFT_TEST_MF_TRAIN and WEFT_TEST_MF_TEST";
  const weft::SparseArray<float, 2> R = weft::rt::load_triples<float, 2>(session(), train_path);
  const weft::SparseArray<float, 2> R_test = weft::load_triples<float, 2>(test_path);
  const std::int64_t users = std::max(R.shape()[0], R_test.shape()[0]);
  const std::int64_t items = std::max(R.shape()[1], R_test.shape()[1]);

  Model serial(users, items), parallel(users, items);
  double serial_train = 0, parallel_train = 0;
  for (int epoch = 0; epoch < kEpochs; ++epoch) {
    weft::Accumulator<double> sq_serial(0.0), sq_parallel(0.0);
    for (const auto &e : R) {
      const float err = serial.update(e);
      sq_serial += err * err;
    }
    weft::rt::rotation_2d(
        session(), R, /*space*/ 0, /*time*/ 1,
        weft::rt::Footprint().write(parallel.W, 0).write(parallel.H, 1).reduce(sq_parallel),
        [&](const weft::Entry<float, 2> &e) {
          const float err = parallel.update(e);
          sq_parallel += err * err;
        });
    serial_train = std::sqrt(sq_serial.value() / static_cast<double>(R.size()));
    parallel_train = std::sqrt(sq_parallel.value() / static_cast<double>(R.size()));
  }
  const double serial_test = serial.rmse(R_test), parallel_test = parallel.rmse(R_test);
  if (session().rank() == 0) {
    std::printf("%d processes x %d threads, %d epochs: test RMSE serial %.5f, rotation_2d %.5f; "
                "train %.5f / %.5f\n",
                session().size(), session().threads(), kEpochs, serial_test, parallel_test,
                serial_train, parallel_train);
  }
  EXPECT_LT(serial_test, 0.5);
  EXPECT_NEAR(parallel_test, serial_test, 0.01 * serial_test);
  EXPECT_NEAR(parallel_train, serial_train, 0.02 * serial_train);
}

} // namespace
