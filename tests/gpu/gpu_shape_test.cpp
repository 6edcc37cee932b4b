// weft::gpu's argument checks on a device: the messages of weft::nn with weft::gpu's
// prefix, thrown before any work is enqueued; a bad label leaves dZ untouched.
#include "gpu_test.h"

#include <functional>
#include <string>

namespace weft_gpu_test {
namespace {

std::string error_of(const std::function<void()> &call) {
  try {
    call();
  } catch (const weft::Error &e) {
    return e.what();
  }
  return "no error";
}

class GpuShapes : public GpuTest {};

TEST_F(GpuShapes, LinearNamesTheArgumentAndBothShapes) {
  const gpu::DeviceMatrix X(ctx(), 64, 785), W(ctx(), 10, 784), b(ctx(), 1, 10),
      b_column(ctx(), 10, 1);
  gpu::DeviceMatrix Y(ctx(), 64, 10), Y_cols(ctx(), 64, 11);
  EXPECT_EQ(error_of([&] { gpu::linear(ctx(), X, W, b, Y); }),
            "weft::gpu::linear: X is 64 x 785 but W is 10 x 784 (X needs W's 784 columns)");
  const gpu::DeviceMatrix X_ok(ctx(), 64, 784);
  EXPECT_EQ(error_of([&] { gpu::linear(ctx(), X_ok, W, b_column, Y); }),
            "weft::gpu::linear: b is 10 x 1 but W is 10 x 784 (b needs 1 x 10: one row, one "
            "column per row of W)");
  EXPECT_EQ(error_of([&] { gpu::linear(ctx(), X_ok, W, b, Y_cols); }),
            "weft::gpu::linear: Y is 64 x 11 but W is 10 x 784 (Y needs 10 columns, one per row "
            "of W)");
}

TEST_F(GpuShapes, LinearRefusesAnOutputThatOverlapsAnInput) {
  gpu::DeviceMatrix A(ctx(), 4, 4);
  const gpu::DeviceMatrix W(ctx(), 4, 4), b(ctx(), 1, 4);
  EXPECT_EQ(error_of([&] { gpu::linear(ctx(), A, W, b, A); }),
            "weft::gpu::linear: Y and X share storage (Y is an output; it must not overlap X)");
  EXPECT_EQ(error_of([&] { gpu::linear(ctx(), gpu::rows(A, 0, 2), W, b, gpu::rows(A, 2, 2)); }),
            "no error");
}

TEST_F(GpuShapes, LinearBackwardNamesDw) {
  const gpu::DeviceMatrix X(ctx(), 8, 5), W(ctx(), 3, 5), dY(ctx(), 8, 3);
  gpu::DeviceMatrix dW(ctx(), 5, 3), db(ctx(), 1, 3), dX(ctx(), 8, 5);
  EXPECT_EQ(error_of([&] { gpu::linear_backward(ctx(), X, W, dY, dW, db, dX); }),
            "weft::gpu::linear_backward: dW is 5 x 3 but W is 3 x 5 (dW needs W's shape)");
}

TEST_F(GpuShapes, ReluRefusesAPartialOverlap) {
  gpu::DeviceMatrix A(ctx(), 4, 2);
  EXPECT_EQ(error_of([&] { gpu::relu(ctx(), gpu::rows(A, 0, 2), gpu::rows(A, 1, 2)); }),
            "weft::gpu::relu: Y and X share storage but are not the same rows (Y may be X's rows "
            "exactly, or storage of its own)");
}

TEST_F(GpuShapes, SoftmaxNamesTheLabelCountAndABadLabel) {
  const Tensor Z_host = random_tensor(4, 5, 1);
  gpu::DeviceMatrix Z = gpu::to_device(ctx(), Z_host);
  gpu::DeviceMatrix dZ(ctx(), 4, 5);
  const gpu::DeviceLabels three = gpu::to_device(ctx(), random_labels(3, 5, 2));
  EXPECT_EQ(error_of([&] { gpu::softmax_cross_entropy(ctx(), Z, three, dZ); }),
            "weft::gpu::softmax_cross_entropy: labels has 3 entries but Z is 4 x 5 (labels needs "
            "one entry per row of Z)");
  nn::Labels labels({4});
  labels(0) = 1;
  labels(1) = 5; // the first bad one
  labels(2) = 0;
  labels(3) = -1;
  const gpu::DeviceLabels bad = gpu::to_device(ctx(), labels);
  EXPECT_EQ(error_of([&] { gpu::softmax_cross_entropy(ctx(), Z, bad, Z); }),
            "weft::gpu::softmax_cross_entropy: label 5 of row 1 is outside [0, 5) (Z is 4 x 5)");
  EXPECT_TRUE(identical(Z_host, gpu::to_host(ctx(), Z))); // dZ (here Z) untouched
}

TEST_F(GpuShapes, AdamRefusesStepZero) {
  gpu::DeviceMatrix W(ctx(), 2, 2), m(ctx(), 2, 2), v(ctx(), 2, 2);
  const gpu::DeviceMatrix dW(ctx(), 2, 2);
  EXPECT_EQ(error_of([&] { gpu::adam(ctx(), W, dW, m, v, 0, 0.1f); }),
            "weft::gpu::adam: step t is 0; steps count from 1 (the bias corrections divide by 1 "
            "- beta^t)");
}

TEST_F(GpuShapes, TransfersNeedTheSameShape) {
  gpu::DeviceMatrix device(ctx(), 3, 4);
  Tensor host({4, 3});
  EXPECT_EQ(error_of([&] { gpu::upload(ctx(), host, device); }),
            "weft::gpu::upload: device is 3 x 4 but host is 4 x 3 (device needs host's shape)");
  EXPECT_EQ(error_of([&] { gpu::download(ctx(), device, host); }),
            "weft::gpu::download: host is 4 x 3 but device is 3 x 4 (host needs device's shape)");
}

} // namespace
} // namespace weft_gpu_test
