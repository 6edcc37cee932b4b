// weft::gpu::device_count and weft::gpu::Context: the device, its stream and cuBLAS handle.
#include "error.h"

#include "weft/gpu/device.h"

#include <string>

namespace weft {
namespace gpu {

int device_count() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  switch (status) {
  case cudaSuccess:
    return count;
  // No device, no driver (or only the toolkit's stub of it): a machine without a GPU.
  case cudaErrorNoDevice:
  case cudaErrorInsufficientDriver:
  case cudaErrorStubLibrary:
    (void)cudaGetLastError();
    return 0;
  default:
    detail::throw_cuda_error(status, "cudaGetDeviceCount(&count)", __FILE__, __LINE__);
  }
}

struct Context::State {
  int device = 0;
  cudaStream_t stream = nullptr;
  cublasHandle_t cublas = nullptr;
  void *scratch = nullptr;
  std::size_t scratch_bytes = 0;

  State() = default;
  State(const State &) = delete;
  State &operator=(const State &) = delete;
  // Destructors do not throw: a failure to release is ignored (the process keeps going
  // with the memory leaked, as it would after the error that usually causes it).
  ~State() {
    if (scratch)
      (void)cudaFree(scratch);
    if (cublas)
      (void)cublasDestroy(cublas);
    if (stream)
      (void)cudaStreamDestroy(stream);
  }
};

Context::Context(int device) : state_(std::make_unique<State>()) {
  const int count = device_count();
  if (count == 0)
    throw Error("weft::gpu::Context: no CUDA device is present (device_count() is 0)");
  if (device < 0 || device >= count) {
    throw Error("weft::gpu::Context: device " + std::to_string(device) + " is not in [0, " +
                std::to_string(count) + ")");
  }
  state_->device = device;
  WEFT_CUDA_CHECK(cudaSetDevice(device));
  // A blocking stream: work that other code puts in the legacy default stream stays
  // ordered with this stream's.
  WEFT_CUDA_CHECK(cudaStreamCreate(&state_->stream));
  WEFT_CUBLAS_CHECK(cublasCreate(&state_->cublas));
  WEFT_CUBLAS_CHECK(cublasSetStream(state_->cublas, state_->stream));
  // FP32 GEMMs in FP32 (no TF32 tensor cores), so that results agree with the CPU's to
  // float rounding.
  WEFT_CUBLAS_CHECK(cublasSetMathMode(state_->cublas, CUBLAS_DEFAULT_MATH));
}

Context::~Context() = default;

int Context::device() const { return state_->device; }

CUstream_st *Context::stream() const { return state_->stream; }

cublasContext *Context::cublas() const { return state_->cublas; }

void Context::synchronize() const { WEFT_CUDA_CHECK(cudaStreamSynchronize(state_->stream)); }

void *Context::scratch(std::size_t bytes) {
  if (bytes > state_->scratch_bytes) {
    // cudaFree waits for the device, so no queued kernel still uses the old memory.
    if (state_->scratch) {
      WEFT_CUDA_CHECK(cudaFree(state_->scratch));
      state_->scratch = nullptr;
      state_->scratch_bytes = 0;
    }
    WEFT_CUDA_CHECK(cudaMalloc(&state_->scratch, bytes));
    state_->scratch_bytes = bytes;
  }
  return state_->scratch;
}

} // namespace gpu
} // namespace weft
