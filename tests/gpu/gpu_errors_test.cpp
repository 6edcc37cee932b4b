// weft::gpu's errors: what runs without a device (device_count, a Context refused, the
// message of a CUDA or cuBLAS error, a row range refused), and CUDA errors on a device.
#include "gpu_test.h"

#include "error.h"

#include <functional>
#include <string>

namespace weft_gpu_test {
namespace {

// Whether `message` contains `part` (shown on failure).
::testing::AssertionResult contains(const std::string &message, const std::string &part) {
  if (message.find(part) != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << message << "\" lacks \"" << part << "\"";
}

// The message of the weft::Error that `call` throws, or "no error".
std::string error_of(const std::function<void()> &call) {
  try {
    call();
  } catch (const weft::Error &e) {
    return e.what();
  }
  return "no error";
}

TEST(GpuWithoutDevice, DeviceCountDoesNotThrow) {
  int count = -1;
  EXPECT_NO_THROW(count = gpu::device_count());
  EXPECT_GE(count, 0);
}

TEST(GpuWithoutDevice, ContextSaysThatThereIsNoDevice) {
  if (gpu::device_count() > 0)
    GTEST_SKIP() << "a CUDA device is present";
  EXPECT_EQ(error_of([] { gpu::Context ctx; }),
            "weft::gpu::Context: no CUDA device is present (device_count() is 0)");
}

TEST(GpuWithoutDevice, CudaErrorNamesTheCallItsLineAndTheError) {
  EXPECT_EQ(gpu::detail::cuda_error_message(cudaErrorMemoryAllocation, "cudaMalloc(&data, bytes)",
                                            "gpu-runtime/memory.cpp", 42),
            "weft::gpu: cudaMalloc(&data, bytes) failed at gpu-runtime/memory.cpp:42: out of "
            "memory (cudaErrorMemoryAllocation)");
}

TEST(GpuWithoutDevice, CublasErrorNamesTheCallItsLineAndTheError) {
  const std::string message = gpu::detail::cublas_error_message(
      CUBLAS_STATUS_INVALID_VALUE, "cublasSgemm(...)", "gpu-runtime/blas.cpp", 7);
  EXPECT_TRUE(contains(message, "weft::gpu: cublasSgemm(...) failed at gpu-runtime/blas.cpp:7: "));
  EXPECT_TRUE(contains(message, "(CUBLAS_STATUS_INVALID_VALUE)"));
}

TEST(GpuWithoutDevice, CheckMacroThrowsWeftErrorWithThisFileAndLine) {
  const int line = __LINE__ + 1;
  const std::string message = error_of([] { WEFT_CUDA_CHECK(cudaErrorInvalidValue); });
  EXPECT_TRUE(contains(message, "weft::gpu: cudaErrorInvalidValue failed at "));
  EXPECT_TRUE(contains(message, "gpu_errors_test.cpp:" + std::to_string(line) + ": "));
  EXPECT_TRUE(contains(message, "(cudaErrorInvalidValue)"));
}

TEST(GpuWithoutDevice, RowsRefusesARangeOutsideTheArray) {
  const gpu::DeviceMatrix empty; // 0 x 0: no memory, no device needed
  EXPECT_EQ(error_of([&] { gpu::rows(empty, 0, 1); }),
            "weft::gpu::rows: first 0, count 1 is not a range of rows of a 0 x 0 device array "
            "(need 0 <= first, 0 <= count and first + count <= 0)");
  const gpu::DeviceLabels labels;
  EXPECT_EQ(error_of([&] { gpu::rows(labels, -1, 0); }),
            "weft::gpu::rows: first -1, count 0 is not a range of rows of a vector of 0 device "
            "labels (need 0 <= first, 0 <= count and first + count <= 0)");
}

class GpuCudaErrors : public GpuTest {};

TEST_F(GpuCudaErrors, AnAllocationTooLargeNamesCudaMallocAndTheError) {
  // 2^40 x 2^10 floats: 4 PiB, more than any device has.
  const std::string message =
      error_of([&] { gpu::DeviceMatrix huge(ctx(), std::int64_t{1} << 40, 1024); });
  EXPECT_TRUE(contains(message, "weft::gpu: cudaMalloc("));
  EXPECT_TRUE(contains(message, "gpu-runtime/memory.cpp:"));
  EXPECT_TRUE(contains(message, "(cudaErrorMemoryAllocation)"));
  // The error is not sticky: the context still works.
  gpu::DeviceMatrix small(ctx(), 2, 2);
  EXPECT_TRUE(identical(Tensor({2, 2}), gpu::to_host(ctx(), small)));
}

TEST_F(GpuCudaErrors, ANegativeShapeIsRefusedBeforeCuda) {
  EXPECT_EQ(error_of([&] { gpu::DeviceMatrix bad(ctx(), -1, 3); }),
            "weft::gpu::DeviceMatrix: shape -1 x 3 is not a matrix (need extents >= 0 and a "
            "size that fits in memory)");
}

TEST_F(GpuCudaErrors, AContextForAMissingDeviceNamesTheRange) {
  const int count = gpu::device_count();
  EXPECT_EQ(error_of([&] { gpu::Context other(count); }),
            "weft::gpu::Context: device " + std::to_string(count) + " is not in [0, " +
                std::to_string(count) + ")");
}

} // namespace
} // namespace weft_gpu_test
