// Launch shapes of weft::gpu's kernels. Internal to weft_gpu; CUDA sources only.
#pragma once

#include <algorithm>
#include <cstdint>

namespace weft {
namespace gpu {
namespace detail {

// Threads per block of every kernel.
constexpr int kBlockThreads = 256;

// Blocks for `work` items of which each block takes `per_block` per pass: enough to fill
// the device, at most 65535 (the kernels loop with a grid stride over the rest). Never 0
// for work > 0; callers launch nothing for work == 0.
inline unsigned grid_for(std::int64_t work, std::int64_t per_block = kBlockThreads) {
  const std::int64_t blocks = (work + per_block - 1) / per_block;
  return static_cast<unsigned>(std::min<std::int64_t>(std::max<std::int64_t>(blocks, 1), 65535));
}

} // namespace detail
} // namespace gpu
} // namespace weft
