#include "error.h"

#include "weft/detail/error.h"

namespace weft {
namespace gpu {
namespace detail {

namespace {

std::string failure_text(const char *call, const char *file, int line, const char *description,
                         const char *name) {
  return std::string("weft::gpu: ") + call + " failed at " + file + ":" + std::to_string(line) +
         ": " + description + " (" + name + ")";
}

} // namespace

std::string cuda_error_message(cudaError_t status, const char *call, const char *file, int line) {
  return failure_text(call, file, line, cudaGetErrorString(status), cudaGetErrorName(status));
}

std::string cublas_error_message(cublasStatus_t status, const char *call, const char *file,
                                 int line) {
  return failure_text(call, file, line, cublasGetStatusString(status), cublasGetStatusName(status));
}

void throw_cuda_error(cudaError_t status, const char *call, const char *file, int line) {
  // A launch error stays the "last error" until read; read it, so that the next check does
  // not report it again.
  (void)cudaGetLastError();
  throw Error(cuda_error_message(status, call, file, line));
}

void throw_cublas_error(cublasStatus_t status, const char *call, const char *file, int line) {
  throw Error(cublas_error_message(status, call, file, line));
}

} // namespace detail
} // namespace gpu
} // namespace weft
