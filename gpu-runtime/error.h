// CUDA and cuBLAS status codes as weft::Error: every call into CUDA or cuBLAS goes through
// WEFT_CUDA_CHECK or WEFT_CUBLAS_CHECK, every kernel launch is followed by
// WEFT_CUDA_CHECK_LAUNCH. Internal to weft_gpu (and its tests).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <string>

namespace weft {
namespace gpu {
namespace detail {

// "weft::gpu: <call> failed at <file>:<line>: <description> (<error name>)", with CUDA's
// description of `status` (cudaGetErrorString) or cuBLAS's (cublasGetStatusString); needs
// no device.
std::string cuda_error_message(cudaError_t status, const char *call, const char *file, int line);
std::string cublas_error_message(cublasStatus_t status, const char *call, const char *file,
                                 int line);

// Throw weft::Error with the message above.
[[noreturn]] void throw_cuda_error(cudaError_t status, const char *call, const char *file,
                                   int line);
[[noreturn]] void throw_cublas_error(cublasStatus_t status, const char *call, const char *file,
                                     int line);

inline void check_cuda(cudaError_t status, const char *call, const char *file, int line) {
  if (status != cudaSuccess)
    throw_cuda_error(status, call, file, line);
}

inline void check_cublas(cublasStatus_t status, const char *call, const char *file, int line) {
  if (status != CUBLAS_STATUS_SUCCESS)
    throw_cublas_error(status, call, file, line);
}

} // namespace detail
} // namespace gpu
} // namespace weft

#define WEFT_CUDA_CHECK(call) ::weft::gpu::detail::check_cuda((call), #call, __FILE__, __LINE__)
#define WEFT_CUBLAS_CHECK(call) ::weft::gpu::detail::check_cublas((call), #call, __FILE__, __LINE__)
// A launch reports a bad configuration at once (cudaGetLastError); a fault inside the
// kernel surfaces at the next call that waits for the stream.
#define WEFT_CUDA_CHECK_LAUNCH(kernel)                                                             \
  ::weft::gpu::detail::check_cuda(cudaGetLastError(), "the launch of " #kernel, __FILE__, __LINE__)
