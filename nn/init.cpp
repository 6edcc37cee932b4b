// nn::init_glorot: the initial weights of a layer.
#include "weft/nn.h"

#include <cmath>

namespace weft {
namespace nn {

void init_glorot(Tensor &W, std::uint64_t seed) {
  if (W.size() == 0)
    return;
  // Glorot and Bengio (2010): uniform in [-a, a) with a = sqrt(6 / (fan_in + fan_out))
  // keeps the variance of activations and gradients about equal across layers.
  const double fan_out = static_cast<double>(W.shape()[0]);
  const double fan_in = static_cast<double>(W.shape()[1]);
  const float a = static_cast<float>(std::sqrt(6.0 / (fan_in + fan_out)));
  W.randomize(seed, -a, a);
}

} // namespace nn
} // namespace weft
