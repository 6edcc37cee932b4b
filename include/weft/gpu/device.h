// weft/gpu/device.h — device memory for weft::gpu's dense layers (weft/gpu/nn.h).
//
// Built only with CUDA (WEFT_WITH_CUDA, the library weft::weft_gpu). This header needs no
// CUDA header: the CUDA and cuBLAS objects live behind the types declared here.
//
// - weft::gpu::device_count(): the number of CUDA devices; 0, not an error, when there is
//   no device or no driver.
// - weft::gpu::Context: one device's cuBLAS handle and stream. Every operation and every
//   transfer takes a Context and runs in its stream, in call order; operations that return
//   a value to the host (softmax_cross_entropy, count_correct) and transfers to the host
//   wait for the stream, the others only enqueue work.
// - weft::gpu::DeviceMatrix (float, rows x cols, row-major like nn::Tensor) and
//   weft::gpu::DeviceLabels (int32): own device memory (cudaMalloc / cudaFree), move-only.
// - weft::gpu::ConstMatrix, Matrix, ConstLabels: views of device memory, like nn's views of
//   host memory; gpu::rows names a range of rows (a minibatch). Views never own memory and
//   never outlive their array.
//
// Errors: every failing CUDA or cuBLAS call throws weft::Error with the call, its file:line
// and CUDA's (or cuBLAS's) description of the error; shape mismatches throw weft::Error
// naming the operation, the argument and both shapes, as weft::nn does.
#pragma once

#include "weft/nn.h"

#include <cstddef>
#include <cstdint>
#include <memory>

// The types behind cudaStream_t and cublasHandle_t, so that this header needs no CUDA
// header.
struct CUstream_st;
struct cublasContext;

namespace weft {
namespace gpu {

// The number of CUDA devices this process can use: 0 when there is none, or no driver.
// Throws weft::Error for any other failure of the CUDA runtime.
int device_count();

// One device's cuBLAS handle, a stream, and scratch memory for reductions. Makes `device`
// the calling thread's current device, where arrays are allocated and operations run (one
// Context per thread). Throws weft::Error when `device` is not in [0, device_count()), with
// "no CUDA device is present" when there is none. Not copyable or movable.
class Context {
public:
  explicit Context(int device = 0);
  ~Context();
  Context(const Context &) = delete;
  Context &operator=(const Context &) = delete;

  int device() const;
  CUstream_st *stream() const;   // a cudaStream_t
  cublasContext *cublas() const; // a cublasHandle_t, bound to stream()
  void synchronize() const;      // waits until the stream's work is done

  // Device memory for `bytes` bytes, kept until a later call asks for more (then the old
  // memory is freed: use one scratch area per operation). Internal to weft_gpu.
  void *scratch(std::size_t bytes);

private:
  struct State;
  std::unique_ptr<State> state_;
};

// A view of rows [first, first + rows) of a row-major float array in device memory.
class ConstMatrix {
public:
  ConstMatrix(const float *data, std::int64_t rows, std::int64_t cols)
      : data_(data), rows_(rows), cols_(cols) {}

  const float *data() const { return data_; }
  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }

private:
  const float *data_;
  std::int64_t rows_, cols_;
};

class Matrix {
public:
  Matrix(float *data, std::int64_t rows, std::int64_t cols)
      : data_(data), rows_(rows), cols_(cols) {}
  operator ConstMatrix() const { return ConstMatrix(data_, rows_, cols_); } // NOLINT

  float *data() const { return data_; }
  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }

private:
  float *data_;
  std::int64_t rows_, cols_;
};

// A view of labels [first, first + count) in device memory.
class ConstLabels {
public:
  ConstLabels(const std::int32_t *data, std::int64_t count) : data_(data), count_(count) {}

  const std::int32_t *data() const { return data_; }
  std::int64_t size() const { return count_; }

private:
  const std::int32_t *data_;
  std::int64_t count_;
};

// A rows x cols float matrix in device memory, zero-filled (in ctx's stream) when made.
class DeviceMatrix {
public:
  DeviceMatrix() = default; // 0 x 0, no memory
  DeviceMatrix(Context &ctx, std::int64_t rows, std::int64_t cols);
  ~DeviceMatrix();
  DeviceMatrix(DeviceMatrix &&other) noexcept;
  DeviceMatrix &operator=(DeviceMatrix &&other) noexcept;
  DeviceMatrix(const DeviceMatrix &) = delete;
  DeviceMatrix &operator=(const DeviceMatrix &) = delete;

  float *data() { return data_; }
  const float *data() const { return data_; }
  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  operator ConstMatrix() const { return ConstMatrix(data_, rows_, cols_); } // NOLINT
  operator Matrix() { return Matrix(data_, rows_, cols_); }                 // NOLINT

private:
  float *data_ = nullptr;
  std::int64_t rows_ = 0, cols_ = 0;
};

// `count` labels in device memory, zero-filled (in ctx's stream) when made.
class DeviceLabels {
public:
  DeviceLabels() = default;
  DeviceLabels(Context &ctx, std::int64_t count);
  ~DeviceLabels();
  DeviceLabels(DeviceLabels &&other) noexcept;
  DeviceLabels &operator=(DeviceLabels &&other) noexcept;
  DeviceLabels(const DeviceLabels &) = delete;
  DeviceLabels &operator=(const DeviceLabels &) = delete;

  std::int32_t *data() { return data_; }
  const std::int32_t *data() const { return data_; }
  std::int64_t size() const { return count_; }
  operator ConstLabels() const { return ConstLabels(data_, count_); } // NOLINT

private:
  std::int32_t *data_ = nullptr;
  std::int64_t count_ = 0;
};

// Rows [first, first + count) of a device array (a minibatch). Throws weft::Error unless
// 0 <= first, 0 <= count and first + count <= the array's rows.
Matrix rows(DeviceMatrix &array, std::int64_t first, std::int64_t count);
ConstMatrix rows(const DeviceMatrix &array, std::int64_t first, std::int64_t count);
ConstLabels rows(const DeviceLabels &array, std::int64_t first, std::int64_t count);

// Transfers between host and device, in ctx's stream; each returns when the copy is done
// (so the host memory may be reused at once). The two sides must have the same shape
// (weft::Error naming both).
void upload(Context &ctx, nn::ConstMatrix host, Matrix device);
void download(Context &ctx, ConstMatrix device, nn::Matrix host);
void upload(Context &ctx, nn::ConstLabels host, DeviceLabels &device);

// A new device array holding a copy of `host`, and a new host array holding a copy of
// `device`.
DeviceMatrix to_device(Context &ctx, nn::ConstMatrix host);
DeviceLabels to_device(Context &ctx, nn::ConstLabels host);
nn::Tensor to_host(Context &ctx, ConstMatrix device);

} // namespace gpu
} // namespace weft
