// weft::gpu::DeviceMatrix and DeviceLabels (device memory owned by value), and the
// transfers between host and device.
#include "arguments.h"
#include "error.h"

#include "weft/gpu/device.h"

#include <cstdint>
#include <string>
#include <utility>

namespace weft {
namespace gpu {

namespace {

// Device memory for `count` elements of `element_bytes` each, zero-filled in ctx's stream;
// nullptr for none.
void *allocate_zeroed(Context &ctx, std::int64_t count, std::size_t element_bytes) {
  if (count == 0)
    return nullptr;
  void *data = nullptr;
  WEFT_CUDA_CHECK(cudaMalloc(&data, static_cast<std::size_t>(count) * element_bytes));
  try {
    WEFT_CUDA_CHECK(
        cudaMemsetAsync(data, 0, static_cast<std::size_t>(count) * element_bytes, ctx.stream()));
  } catch (...) {
    (void)cudaFree(data);
    throw;
  }
  return data;
}

// rows * cols, or weft::Error when either is negative or the byte count overflows.
std::int64_t element_count(std::int64_t rows, std::int64_t cols) {
  const std::int64_t limit = INT64_MAX / static_cast<std::int64_t>(sizeof(float));
  if (rows < 0 || cols < 0 || (cols != 0 && rows > limit / cols)) {
    throw Error("weft::gpu::DeviceMatrix: shape " + std::to_string(rows) + " x " +
                std::to_string(cols) + " is not a matrix (need extents >= 0 and a size that " +
                "fits in memory)");
  }
  return rows * cols;
}

void copy_and_wait(Context &ctx, void *to, const void *from, std::size_t bytes,
                   cudaMemcpyKind kind) {
  if (bytes == 0)
    return;
  WEFT_CUDA_CHECK(cudaMemcpyAsync(to, from, bytes, kind, ctx.stream()));
  WEFT_CUDA_CHECK(cudaStreamSynchronize(ctx.stream()));
}

} // namespace

DeviceMatrix::DeviceMatrix(Context &ctx, std::int64_t rows, std::int64_t cols)
    : data_(static_cast<float *>(allocate_zeroed(ctx, element_count(rows, cols), sizeof(float)))),
      rows_(rows), cols_(cols) {}

DeviceMatrix::~DeviceMatrix() {
  if (data_)
    (void)cudaFree(data_); // waits for the work that may still use it
}

DeviceMatrix::DeviceMatrix(DeviceMatrix &&other) noexcept
    : data_(std::exchange(other.data_, nullptr)), rows_(std::exchange(other.rows_, 0)),
      cols_(std::exchange(other.cols_, 0)) {}

DeviceMatrix &DeviceMatrix::operator=(DeviceMatrix &&other) noexcept {
  if (this != &other) {
    if (data_)
      (void)cudaFree(data_);
    data_ = std::exchange(other.data_, nullptr);
    rows_ = std::exchange(other.rows_, 0);
    cols_ = std::exchange(other.cols_, 0);
  }
  return *this;
}

DeviceLabels::DeviceLabels(Context &ctx, std::int64_t count) : count_(count) {
  if (count < 0 || count > INT64_MAX / static_cast<std::int64_t>(sizeof(std::int32_t))) {
    throw Error("weft::gpu::DeviceLabels: " + std::to_string(count) +
                " is not a number of labels (need a count >= 0 that fits in memory)");
  }
  data_ = static_cast<std::int32_t *>(allocate_zeroed(ctx, count, sizeof(std::int32_t)));
}

DeviceLabels::~DeviceLabels() {
  if (data_)
    (void)cudaFree(data_);
}

DeviceLabels::DeviceLabels(DeviceLabels &&other) noexcept
    : data_(std::exchange(other.data_, nullptr)), count_(std::exchange(other.count_, 0)) {}

DeviceLabels &DeviceLabels::operator=(DeviceLabels &&other) noexcept {
  if (this != &other) {
    if (data_)
      (void)cudaFree(data_);
    data_ = std::exchange(other.data_, nullptr);
    count_ = std::exchange(other.count_, 0);
  }
  return *this;
}

void upload(Context &ctx, nn::ConstMatrix host, Matrix device) {
  detail::arguments("upload").same_shape("device", device, "host",
                                         ConstMatrix(host.data(), host.rows(), host.cols()));
  copy_and_wait(ctx, device.data(), host.data(),
                static_cast<std::size_t>(host.rows() * host.cols()) * sizeof(float),
                cudaMemcpyHostToDevice);
}

void download(Context &ctx, ConstMatrix device, nn::Matrix host) {
  detail::arguments("download")
      .same_shape("host", ConstMatrix(host.data(), host.rows(), host.cols()), "device", device);
  copy_and_wait(ctx, host.data(), device.data(),
                static_cast<std::size_t>(host.rows() * host.cols()) * sizeof(float),
                cudaMemcpyDeviceToHost);
}

void upload(Context &ctx, nn::ConstLabels host, DeviceLabels &device) {
  if (host.size() != device.size()) {
    throw Error("weft::gpu::upload: device has " + std::to_string(device.size()) +
                " labels but host has " + std::to_string(host.size()) +
                " (device needs host's count)");
  }
  copy_and_wait(ctx, device.data(), host.data(),
                static_cast<std::size_t>(host.size()) * sizeof(std::int32_t),
                cudaMemcpyHostToDevice);
}

DeviceMatrix to_device(Context &ctx, nn::ConstMatrix host) {
  DeviceMatrix device(ctx, host.rows(), host.cols());
  upload(ctx, host, device);
  return device;
}

DeviceLabels to_device(Context &ctx, nn::ConstLabels host) {
  DeviceLabels device(ctx, host.size());
  upload(ctx, host, device);
  return device;
}

nn::Tensor to_host(Context &ctx, ConstMatrix device) {
  nn::Tensor host({device.rows(), device.cols()});
  download(ctx, device, host);
  return host;
}

} // namespace gpu
} // namespace weft
