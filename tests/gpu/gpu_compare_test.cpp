// Every weft::gpu operation against weft::nn's CPU kernel on the same random inputs. Shapes
// are not multiples of a warp or a block, and some calls use minibatch views.
//
// Tolerances (see agree in gpu_test.h): GEMMs 1e-4 of the largest element (k <= 100: the
// error of a float sum of k products is at most k * 2^-24 ~ 6e-6 of the sum of their
// magnitudes, typically sqrt(k) times less; a wrong transposition or offset is off by O(1));
// relu, its gradient, the column sums and count_correct identical; sgd and Adam 1e-6 (the
// same float operations in the same order, allowing for a compiler's different rounding of a
// constant); the softmax 1e-6 (double exp and log on both, rounded to float).
#include "gpu_test.h"

#include <cstdint>

namespace weft_gpu_test {
namespace {

constexpr double kGemmTolerance = 1e-4;
constexpr double kElementwiseTolerance = 1e-6;

class GpuCompare : public GpuTest {};

TEST_F(GpuCompare, Linear) {
  const Tensor X = random_tensor(37, 53, 1), W = random_tensor(29, 53, 2),
               b = random_tensor(1, 29, 3);
  Tensor Y({37, 29});
  nn::linear(X, W, b, Y);
  const gpu::DeviceMatrix dX = gpu::to_device(ctx(), X), dW = gpu::to_device(ctx(), W),
                          db = gpu::to_device(ctx(), b);
  gpu::DeviceMatrix dY(ctx(), 37, 29);
  gpu::linear(ctx(), dX, dW, db, dY);
  EXPECT_TRUE(agree(Y, gpu::to_host(ctx(), dY), kGemmTolerance));
}

TEST_F(GpuCompare, LinearOnAMinibatchWritesOnlyItsRows) {
  const Tensor X = random_tensor(40, 17, 4), W = random_tensor(9, 17, 5),
               b = random_tensor(1, 9, 6);
  Tensor Y = random_tensor(40, 9, 7);
  gpu::DeviceMatrix dY = gpu::to_device(ctx(), Y);
  nn::linear(nn::rows(X, 8, 16), W, b, nn::rows(Y, 20, 16));
  const gpu::DeviceMatrix dX = gpu::to_device(ctx(), X), dW = gpu::to_device(ctx(), W),
                          db = gpu::to_device(ctx(), b);
  gpu::linear(ctx(), gpu::rows(dX, 8, 16), dW, db, gpu::rows(dY, 20, 16));
  EXPECT_TRUE(agree(Y, gpu::to_host(ctx(), dY), kGemmTolerance));
}

TEST_F(GpuCompare, LinearBackward) {
  const std::int64_t n = 45, in = 31, out = 19;
  const Tensor X = random_tensor(n, in, 8), W = random_tensor(out, in, 9),
               dY = random_tensor(n, out, 10);
  Tensor dW({out, in}), db({1, out}), dX({n, in});
  nn::linear_backward(X, W, dY, dW, db, dX);
  const gpu::DeviceMatrix gX = gpu::to_device(ctx(), X), gW = gpu::to_device(ctx(), W),
                          gdY = gpu::to_device(ctx(), dY);
  gpu::DeviceMatrix gdW(ctx(), out, in), gdb(ctx(), 1, out), gdX(ctx(), n, in);
  gpu::linear_backward(ctx(), gX, gW, gdY, gdW, gdb, gdX);
  EXPECT_TRUE(agree(dW, gpu::to_host(ctx(), gdW), kGemmTolerance));
  EXPECT_TRUE(identical(db, gpu::to_host(ctx(), gdb)));
  EXPECT_TRUE(agree(dX, gpu::to_host(ctx(), gdX), kGemmTolerance));
}

TEST_F(GpuCompare, LinearBackwardWeights) {
  const std::int64_t n = 100, in = 70, out = 33;
  const Tensor X = random_tensor(n, in, 11), dY = random_tensor(n, out, 12);
  Tensor dW({out, in}), db({1, out});
  nn::linear_backward_weights(X, dY, dW, db);
  const gpu::DeviceMatrix gX = gpu::to_device(ctx(), X), gdY = gpu::to_device(ctx(), dY);
  gpu::DeviceMatrix gdW(ctx(), out, in), gdb(ctx(), 1, out);
  gpu::linear_backward_weights(ctx(), gX, gdY, gdW, gdb);
  EXPECT_TRUE(agree(dW, gpu::to_host(ctx(), gdW), kGemmTolerance));
  EXPECT_TRUE(identical(db, gpu::to_host(ctx(), gdb)));
}

TEST_F(GpuCompare, ReluOutOfPlaceAndInPlace) {
  const Tensor X = random_tensor(33, 65, 13);
  Tensor Y({33, 65});
  nn::relu(X, Y);
  gpu::DeviceMatrix gX = gpu::to_device(ctx(), X);
  gpu::DeviceMatrix gY(ctx(), 33, 65);
  gpu::relu(ctx(), gX, gY);
  EXPECT_TRUE(identical(Y, gpu::to_host(ctx(), gY)));
  gpu::relu(ctx(), gX, gX);
  EXPECT_TRUE(identical(Y, gpu::to_host(ctx(), gX)));
}

TEST_F(GpuCompare, ReluBackwardOutOfPlaceAndInPlace) {
  Tensor Y = random_tensor(21, 40, 14);
  nn::relu(Y, Y);
  const Tensor dY = random_tensor(21, 40, 15);
  Tensor dX({21, 40});
  nn::relu_backward(Y, dY, dX);
  const gpu::DeviceMatrix gY = gpu::to_device(ctx(), Y);
  gpu::DeviceMatrix gdY = gpu::to_device(ctx(), dY);
  gpu::DeviceMatrix gdX(ctx(), 21, 40);
  gpu::relu_backward(ctx(), gY, gdY, gdX);
  EXPECT_TRUE(identical(dX, gpu::to_host(ctx(), gdX)));
  gpu::relu_backward(ctx(), gY, gdY, gdY);
  EXPECT_TRUE(identical(dX, gpu::to_host(ctx(), gdY)));
}

// Few classes (a warp's lanes partly idle) and more classes than a warp has lanes.
TEST_F(GpuCompare, SoftmaxCrossEntropy) {
  for (const std::int64_t classes : {std::int64_t{10}, std::int64_t{77}}) {
    SCOPED_TRACE("classes " + std::to_string(classes));
    const std::int64_t n = 67;
    const Tensor Z = random_tensor(n, classes, 16, -6.0f, 6.0f);
    const nn::Labels labels = random_labels(n, static_cast<std::int32_t>(classes), 17);
    Tensor dZ({n, classes});
    const float loss = nn::softmax_cross_entropy(Z, labels, dZ);
    gpu::DeviceMatrix gZ = gpu::to_device(ctx(), Z);
    const gpu::DeviceLabels glabels = gpu::to_device(ctx(), labels);
    gpu::DeviceMatrix gdZ(ctx(), n, classes);
    EXPECT_NEAR(gpu::softmax_cross_entropy(ctx(), gZ, glabels, gdZ), loss,
                kElementwiseTolerance * loss);
    EXPECT_TRUE(agree(dZ, gpu::to_host(ctx(), gdZ), kElementwiseTolerance));
    // In place, on a minibatch.
    Tensor Z_batch = Z;
    const float batch_loss = nn::softmax_cross_entropy(
        nn::rows(Z_batch, 3, 50), nn::rows(labels, 3, 50), nn::rows(Z_batch, 3, 50));
    EXPECT_NEAR(gpu::softmax_cross_entropy(ctx(), gpu::rows(gZ, 3, 50), gpu::rows(glabels, 3, 50),
                                           gpu::rows(gZ, 3, 50)),
                batch_loss, kElementwiseTolerance * batch_loss);
    EXPECT_TRUE(agree(Z_batch, gpu::to_host(ctx(), gZ), kElementwiseTolerance));
  }
}

TEST_F(GpuCompare, SoftmaxCrossEntropyOfNoRowsIsZero) {
  gpu::DeviceMatrix Z(ctx(), 4, 3);
  const gpu::DeviceLabels labels(ctx(), 4);
  EXPECT_EQ(gpu::softmax_cross_entropy(ctx(), gpu::rows(Z, 2, 0), gpu::rows(labels, 2, 0),
                                       gpu::rows(Z, 2, 0)),
            0.0f);
}

TEST_F(GpuCompare, CountCorrectWithTies) {
  // Logits in {0, 1, 2, 3}: many rows have tied largest logits, which go to the first.
  const std::int64_t n = 1000, classes = 6;
  Tensor Z = random_tensor(n, classes, 18, 0.0f, 4.0f);
  for (std::int64_t i = 0; i < Z.size(); ++i)
    Z.data()[i] = std::floor(Z.data()[i]);
  const nn::Labels labels = random_labels(n, static_cast<std::int32_t>(classes), 19);
  const gpu::DeviceMatrix gZ = gpu::to_device(ctx(), Z);
  const gpu::DeviceLabels glabels = gpu::to_device(ctx(), labels);
  EXPECT_EQ(gpu::count_correct(ctx(), gZ, glabels), nn::count_correct(Z, labels));
  EXPECT_EQ(gpu::count_correct(ctx(), gpu::rows(gZ, 100, 300), gpu::rows(glabels, 100, 300)),
            nn::count_correct(nn::rows(Z, 100, 300), nn::rows(labels, 100, 300)));
}

TEST_F(GpuCompare, Sgd) {
  Tensor W = random_tensor(50, 60, 20);
  const Tensor dW = random_tensor(50, 60, 21);
  gpu::DeviceMatrix gW = gpu::to_device(ctx(), W);
  const gpu::DeviceMatrix gdW = gpu::to_device(ctx(), dW);
  nn::sgd(W, dW, 0.05f);
  gpu::sgd(ctx(), gW, gdW, 0.05f);
  EXPECT_TRUE(agree(W, gpu::to_host(ctx(), gW), kElementwiseTolerance));
}

TEST_F(GpuCompare, AdamOverThreeSteps) {
  Tensor W = random_tensor(30, 41, 22), m({30, 41}), v({30, 41});
  gpu::DeviceMatrix gW = gpu::to_device(ctx(), W), gm(ctx(), 30, 41), gv(ctx(), 30, 41);
  for (std::int64_t t = 1; t <= 3; ++t) {
    const Tensor dW = random_tensor(30, 41, 100 + static_cast<std::uint64_t>(t), -0.1f, 0.1f);
    const gpu::DeviceMatrix gdW = gpu::to_device(ctx(), dW);
    nn::adam(W, dW, m, v, t, 0.01f);
    gpu::adam(ctx(), gW, gdW, gm, gv, t, 0.01f);
  }
  EXPECT_TRUE(agree(m, gpu::to_host(ctx(), gm), kElementwiseTolerance));
  EXPECT_TRUE(agree(v, gpu::to_host(ctx(), gv), kElementwiseTolerance));
  EXPECT_TRUE(agree(W, gpu::to_host(ctx(), gW), kElementwiseTolerance));
}

} // namespace
} // namespace weft_gpu_test
