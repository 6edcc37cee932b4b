// The argument checks every weft::nn operation makes before it touches data (shapes and
// storage overlap; weft/detail/nn_arguments.h), with errors that start "weft::nn::<op>: ".
// Internal to weft_nn.
#pragma once

#include "weft/detail/nn_arguments.h"
#include "weft/nn.h"

namespace weft {
namespace nn {
namespace detail {

using Arguments = weft::detail::NnArguments<ConstMatrix, ConstLabels>;

// The checks of the operation `op`.
inline Arguments arguments(const char *op) { return Arguments("weft::nn::", op); }

} // namespace detail
} // namespace nn
} // namespace weft
