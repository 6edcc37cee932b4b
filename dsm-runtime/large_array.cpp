// Allocation for LargeArray.
#include "weft/rt/large_array.h"

#include <cstdlib>
#include <new>

namespace weft::rt::large_array_detail {

void *allocate(std::size_t bytes) {
  if (bytes == 0)
    return nullptr;
  constexpr std::size_t kAlignment = 64;
  const std::size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  void *p = std::aligned_alloc(kAlignment, rounded);
  if (p == nullptr)
    throw std::bad_alloc();
  return p;
}

void release(void *p) noexcept { std::free(p); }

} // namespace weft::rt::large_array_detail
