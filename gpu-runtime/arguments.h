// The argument checks every weft::gpu operation makes before it enqueues work (shapes and
// storage overlap; weft/detail/nn_arguments.h), with weft::nn's messages and the prefix
// "weft::gpu::<op>: ". Only sizes and addresses are compared; device memory is never read.
// Internal to weft_gpu.
#pragma once

#include "weft/detail/nn_arguments.h"
#include "weft/gpu/device.h"

namespace weft {
namespace gpu {
namespace detail {

using Arguments = weft::detail::NnArguments<ConstMatrix, ConstLabels>;

// The checks of the operation `op`.
inline Arguments arguments(const char *op) { return Arguments("weft::gpu::", op); }

} // namespace detail
} // namespace gpu
} // namespace weft
