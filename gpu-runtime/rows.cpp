// weft::gpu::rows: minibatch views of device arrays and label vectors.
#include "weft/gpu/device.h"

#include <string>

namespace weft {
namespace gpu {

namespace {

// 0 <= first, 0 <= count and first + count <= extent, written so that nothing overflows.
void expect_row_range(std::int64_t first, std::int64_t count, std::int64_t extent,
                      const std::string &what) {
  if (first < 0 || count < 0 || first > extent || count > extent - first) {
    throw Error("weft::gpu::rows: first " + std::to_string(first) + ", count " +
                std::to_string(count) + " is not a range of rows of " + what +
                " (need 0 <= first, 0 <= count and first + count <= " + std::to_string(extent) +
                ")");
  }
}

std::string array_text(const DeviceMatrix &array) {
  return "a " + std::to_string(array.rows()) + " x " + std::to_string(array.cols()) +
         " device array";
}

} // namespace

Matrix rows(DeviceMatrix &array, std::int64_t first, std::int64_t count) {
  expect_row_range(first, count, array.rows(), array_text(array));
  return Matrix(array.data() + first * array.cols(), count, array.cols());
}

ConstMatrix rows(const DeviceMatrix &array, std::int64_t first, std::int64_t count) {
  expect_row_range(first, count, array.rows(), array_text(array));
  return ConstMatrix(array.data() + first * array.cols(), count, array.cols());
}

ConstLabels rows(const DeviceLabels &array, std::int64_t first, std::int64_t count) {
  expect_row_range(first, count, array.size(),
                   "a vector of " + std::to_string(array.size()) + " device labels");
  return ConstLabels(array.data() + first, count);
}

} // namespace gpu
} // namespace weft
