// weft/rt/large_array.h — LargeArray<T>: an uninitialized array of trivially copyable
// elements for the runtime's own large buffers (plans with millions of entries).
//
// Unlike std::vector it does not zero what it will overwrite anyway. It is not advised
// for transparent huge pages: a plan's entries are written once and then read in order,
// which gains nothing from them, while a huge page's first touch can wait for the kernel
// to compact memory (measured on 9M entries, 216 MB, 2 threads: the plan's scatter pass
// took 0.21-0.26 s with MADV_HUGEPAGE, 0.11-0.16 s without).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace weft::rt {

namespace large_array_detail {
// Memory of `bytes` bytes aligned to 64 bytes; nullptr for 0 bytes. Throws
// std::bad_alloc.
void *allocate(std::size_t bytes);
void release(void *p) noexcept;
} // namespace large_array_detail

template <class T> class LargeArray {
  static_assert(std::is_trivially_copyable_v<T>,
                "LargeArray holds trivially copyable elements only");

public:
  LargeArray() = default;
  explicit LargeArray(std::size_t n)
      : data_(static_cast<T *>(large_array_detail::allocate(n * sizeof(T)))), size_(n) {}
  LargeArray(const LargeArray &) = delete;
  LargeArray &operator=(const LargeArray &) = delete;
  LargeArray(LargeArray &&o) noexcept : data_(o.data_), size_(o.size_) {
    o.data_ = nullptr;
    o.size_ = 0;
  }
  LargeArray &operator=(LargeArray &&o) noexcept {
    if (this != &o) {
      large_array_detail::release(data_);
      data_ = o.data_;
      size_ = o.size_;
      o.data_ = nullptr;
      o.size_ = 0;
    }
    return *this;
  }
  ~LargeArray() { large_array_detail::release(data_); }

  T *data() { return data_; }
  const T *data() const { return data_; }
  std::size_t size() const { return size_; }
  T &operator[](std::size_t i) { return data_[i]; }
  const T &operator[](std::size_t i) const { return data_[i]; }
  T *begin() { return data_; }
  T *end() { return data_ + size_; }
  const T *begin() const { return data_; }
  const T *end() const { return data_ + size_; }

private:
  T *data_ = nullptr;
  std::size_t size_ = 0;
};

} // namespace weft::rt
