// nn::rows: the minibatch views of arrays and label vectors.
#include "checks.h"

#include <string>

namespace weft {
namespace nn {

namespace {

// 0 <= first, 0 <= count and first + count <= extent, written so that nothing overflows.
void expect_row_range(std::int64_t first, std::int64_t count, std::int64_t extent,
                      const std::string &what) {
  if (first < 0 || count < 0 || first > extent || count > extent - first) {
    throw Error("weft::nn::rows: first " + std::to_string(first) + ", count " +
                std::to_string(count) + " is not a range of rows of " + what +
                " (need 0 <= first, 0 <= count and first + count <= " + std::to_string(extent) +
                ")");
  }
}

std::string array_text(const Tensor &array) {
  return "a " + std::to_string(array.shape()[0]) + " x " + std::to_string(array.shape()[1]) +
         " array";
}

} // namespace

Matrix rows(Tensor &array, std::int64_t first, std::int64_t count) {
  const std::int64_t cols = array.shape()[1];
  expect_row_range(first, count, array.shape()[0], array_text(array));
  return Matrix(array.data() + first * cols, count, cols);
}

ConstMatrix rows(const Tensor &array, std::int64_t first, std::int64_t count) {
  const std::int64_t cols = array.shape()[1];
  expect_row_range(first, count, array.shape()[0], array_text(array));
  return ConstMatrix(array.data() + first * cols, count, cols);
}

ConstLabels rows(const Labels &array, std::int64_t first, std::int64_t count) {
  expect_row_range(first, count, array.shape()[0],
                   "a vector of " + std::to_string(array.shape()[0]) + " labels");
  return ConstLabels(array.data() + first, count);
}

} // namespace nn
} // namespace weft
