// weft::gpu::softmax_cross_entropy and weft::gpu::count_correct: the classifier's loss and
// accuracy. One warp per row for the softmax; the mean loss is summed by one block in a fixed
// order, so that it is the same from run to run.
#include "arguments.h"
#include "error.h"
#include "launch.h"

#include "weft/gpu/nn.h"

#include <cstdint>
#include <string>

namespace weft {
namespace gpu {

namespace {

constexpr int kWarp = 32;
constexpr unsigned kAllLanes = 0xffffffffu;
constexpr unsigned long long kNoRow = ~0ull;

// What softmax_cross_entropy reads back: the first row with a label outside [0, classes)
// (kNoRow for none) and the sum of the rows' losses.
struct LossResult {
  unsigned long long first_bad_row;
  double total;
};

__global__ void find_bad_label_kernel(const std::int32_t *labels, std::int64_t n,
                                      std::int64_t classes, LossResult *result) {
  for (std::int64_t r = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; r < n;
       r += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    if (labels[r] < 0 || labels[r] >= classes)
      atomicMin(&result->first_bad_row, static_cast<unsigned long long>(r));
  }
}

// Row z, label y, m = max_j z_j, s = sum_j exp(z_j - m):
//   loss = log(s) - (z_y - m),  dloss/dz_j = exp(z_j - m) / s - [j = y],
// both divided by n for the mean (as nn::softmax_cross_entropy, with s in double). A warp
// takes a row: lane l handles columns l, l + 32, ...; a lane rereads z_j before it writes
// dz_j, and the warp has read the whole row before any lane writes, so dz may be z.
__global__ void softmax_cross_entropy_kernel(const float *z, const std::int32_t *labels, float *dz,
                                             std::int64_t n, std::int64_t classes, double *row_loss,
                                             const LossResult *result) {
  if (result->first_bad_row != kNoRow)
    return; // a bad label: the host throws and dZ stays untouched
  const int lane = threadIdx.x % kWarp;
  const std::int64_t warps_per_block = blockDim.x / kWarp;
  const float inv_n = 1.0f / static_cast<float>(n);
  for (std::int64_t r = blockIdx.x * warps_per_block + threadIdx.x / kWarp; r < n;
       r += static_cast<std::int64_t>(gridDim.x) * warps_per_block) {
    const float *zr = z + r * classes;
    float *dzr = dz + r * classes;
    const std::int32_t y = labels[r];
    const float zy = zr[y];
    float m = zr[0];
    for (std::int64_t j = lane; j < classes; j += kWarp)
      m = fmaxf(m, zr[j]);
    for (int offset = kWarp / 2; offset > 0; offset /= 2)
      m = fmaxf(m, __shfl_xor_sync(kAllLanes, m, offset));
    double s = 0.0;
    for (std::int64_t j = lane; j < classes; j += kWarp)
      s += exp(static_cast<double>(zr[j] - m));
    for (int offset = kWarp / 2; offset > 0; offset /= 2)
      s += __shfl_xor_sync(kAllLanes, s, offset);
    if (lane == 0)
      row_loss[r] = log(s) - static_cast<double>(zy - m);
    __syncwarp(); // every lane's reads of the row (zy included) before any lane's writes
    const double inv_s = 1.0 / s;
    for (std::int64_t j = lane; j < classes; j += kWarp) {
      const float p = static_cast<float>(exp(static_cast<double>(zr[j] - m)) * inv_s);
      dzr[j] = (p - (j == y ? 1.0f : 0.0f)) * inv_n;
    }
  }
}

// result->total = the sum of row_loss[0, n), by one block: thread t adds rows t, t + 256,
// ... in order, then a tree over the threads; the same order on every run.
__global__ void sum_rows_kernel(const double *row_loss, std::int64_t n, LossResult *result) {
  __shared__ double partial[detail::kBlockThreads];
  if (result->first_bad_row != kNoRow)
    return;
  double sum = 0.0;
  for (std::int64_t r = threadIdx.x; r < n; r += blockDim.x)
    sum += row_loss[r];
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (int width = blockDim.x / 2; width > 0; width /= 2) {
    if (static_cast<int>(threadIdx.x) < width)
      partial[threadIdx.x] += partial[threadIdx.x + width];
    __syncthreads();
  }
  if (threadIdx.x == 0)
    result->total = partial[0];
}

// One thread per row: the row's first largest logit, counted when it is the row's label.
__global__ void count_correct_kernel(const float *z, const std::int32_t *labels, std::int64_t n,
                                     std::int64_t classes, unsigned long long *correct) {
  for (std::int64_t r = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; r < n;
       r += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const float *zr = z + r * classes;
    std::int64_t best = 0;
    for (std::int64_t j = 1; j < classes; ++j) {
      if (zr[j] > zr[best])
        best = j;
    }
    if (classes > 0 && best == labels[r])
      atomicAdd(correct, 1ull);
  }
}

} // namespace

float softmax_cross_entropy(Context &ctx, ConstMatrix Z, ConstLabels labels, Matrix dZ) {
  const char *op = "softmax_cross_entropy";
  detail::arguments(op).label_count(labels, Z);
  detail::arguments(op).same_shape("dZ", dZ, "Z", Z);
  detail::arguments(op).same_or_disjoint("dZ", dZ, "Z", Z);
  const std::int64_t n = Z.rows(), classes = Z.cols();
  if (n == 0)
    return 0.0f;

  // Scratch: the LossResult, then one double per row.
  auto *result = static_cast<LossResult *>(
      ctx.scratch(sizeof(LossResult) + static_cast<std::size_t>(n) * sizeof(double)));
  auto *row_loss = reinterpret_cast<double *>(result + 1);
  const LossResult start{kNoRow, 0.0};
  WEFT_CUDA_CHECK(
      cudaMemcpyAsync(result, &start, sizeof start, cudaMemcpyHostToDevice, ctx.stream()));
  find_bad_label_kernel<<<detail::grid_for(n), detail::kBlockThreads, 0, ctx.stream()>>>(
      labels.data(), n, classes, result);
  WEFT_CUDA_CHECK_LAUNCH(find_bad_label_kernel);
  constexpr int rows_per_block = detail::kBlockThreads / kWarp;
  softmax_cross_entropy_kernel<<<detail::grid_for(n, rows_per_block), detail::kBlockThreads, 0,
                                 ctx.stream()>>>(Z.data(), labels.data(), dZ.data(), n, classes,
                                                 row_loss, result);
  WEFT_CUDA_CHECK_LAUNCH(softmax_cross_entropy_kernel);
  sum_rows_kernel<<<1, detail::kBlockThreads, 0, ctx.stream()>>>(row_loss, n, result);
  WEFT_CUDA_CHECK_LAUNCH(sum_rows_kernel);

  LossResult back{};
  WEFT_CUDA_CHECK(
      cudaMemcpyAsync(&back, result, sizeof back, cudaMemcpyDeviceToHost, ctx.stream()));
  WEFT_CUDA_CHECK(cudaStreamSynchronize(ctx.stream()));
  if (back.first_bad_row != kNoRow) {
    const auto row = static_cast<std::int64_t>(back.first_bad_row);
    std::int32_t label = 0;
    WEFT_CUDA_CHECK(cudaMemcpyAsync(&label, labels.data() + row, sizeof label,
                                    cudaMemcpyDeviceToHost, ctx.stream()));
    WEFT_CUDA_CHECK(cudaStreamSynchronize(ctx.stream()));
    throw Error(std::string("weft::gpu::") + op + ": label " + std::to_string(label) + " of row " +
                std::to_string(row) + " is outside [0, " + std::to_string(classes) + ") (Z is " +
                detail::Arguments::shape_text(Z) + ")");
  }
  return static_cast<float>(back.total / static_cast<double>(n));
}

std::int64_t count_correct(Context &ctx, ConstMatrix Z, ConstLabels labels) {
  detail::arguments("count_correct").label_count(labels, Z);
  const std::int64_t n = Z.rows();
  if (n == 0)
    return 0;
  auto *correct = static_cast<unsigned long long *>(ctx.scratch(sizeof(unsigned long long)));
  WEFT_CUDA_CHECK(cudaMemsetAsync(correct, 0, sizeof *correct, ctx.stream()));
  count_correct_kernel<<<detail::grid_for(n), detail::kBlockThreads, 0, ctx.stream()>>>(
      Z.data(), labels.data(), n, Z.cols(), correct);
  WEFT_CUDA_CHECK_LAUNCH(count_correct_kernel);
  unsigned long long back = 0;
  WEFT_CUDA_CHECK(
      cudaMemcpyAsync(&back, correct, sizeof back, cudaMemcpyDeviceToHost, ctx.stream()));
  WEFT_CUDA_CHECK(cudaStreamSynchronize(ctx.stream()));
  return static_cast<std::int64_t>(back);
}

} // namespace gpu
} // namespace weft
