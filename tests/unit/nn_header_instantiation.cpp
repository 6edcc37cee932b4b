// Calls every function of weft/nn.h the way a training program does, so that compiling
// this file with -Wall -Wextra -Wpedantic -Werror checks the header for warnings (under
// Clang, with its WEFT_EFFECTS and WEFT_VIEW annotations).
#include <weft/nn.h>

#include <cstdint>
#include <string>

namespace nn = weft::nn;

int main(int argc, char **argv) {
  const std::int64_t n = argc + 3;
  nn::Tensor X({n, 4}), W({2, 4}), b({1, 2}), Y({n, 2}), dW({2, 4}), db({1, 2}), dX({n, 4});
  nn::Tensor m({2, 4}), v({2, 4});
  nn::Labels labels({n});
  const nn::Tensor &cX = X;
  nn::init_glorot(W, 1);
  nn::linear(nn::rows(cX, 0, n), W, b, nn::rows(Y, 0, n));
  nn::relu(Y, Y);
  const float loss = nn::softmax_cross_entropy(Y, nn::rows(labels, 0, n), Y);
  nn::Tensor T({n, 2}), dY({n, 2});
  const float squared = nn::mean_squared_error(Y, nn::rows(T, 0, n), dY);
  nn::relu_backward(Y, Y, Y);
  nn::linear_backward(X, W, Y, dW, db, dX);
  nn::linear_backward_weights(X, Y, dW, db);
  nn::sgd(W, dW, 0.1f);
  nn::adam(W, dW, m, v, 1, 1e-3f);
  const std::int64_t correct = nn::count_correct(Y, labels);
  if (argc > 2) {
    const nn::Tensor images = nn::load_idx_images(std::string(argv[1]));
    const nn::Labels image_labels = nn::load_idx_labels(std::string(argv[2]));
    return static_cast<int>(images.size() + image_labels.size());
  }
  const nn::ConstMatrix view = X;
  const nn::Matrix out = Y;
  return static_cast<int>(loss + squared + static_cast<float>(correct) + view(0, 0) + out(0, 0));
}
