// Huge-page-advised allocation for LargeArray.
#include "weft/rt/large_array.h"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace weft::rt::large_array_detail {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

void *allocate(std::size_t bytes) {
  if (bytes == 0)
    return nullptr;
  // Small buffers gain nothing from huge pages.
  const std::size_t alignment = bytes >= kHugePage ? kHugePage : 64;
  const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  void *p = std::aligned_alloc(alignment, rounded);
  if (p == nullptr)
    throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  if (alignment == kHugePage)
    madvise(p, rounded, MADV_HUGEPAGE); // advice only: failure is harmless
#endif
  return p;
}

void release(void *p) noexcept { std::free(p); }

} // namespace weft::rt::large_array_detail
