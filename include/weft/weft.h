// weft/weft.h — the user API of weft, with serial semantics.
//
// An annotated program is ordinary C++17: with this header, any compiler builds the
// serial *reference* program, and weftc builds the parallel one from the same source.
// The names below (DistArray, SparseArray, Entry, load_triples, Accumulator, Max, Min,
// reduction_identity, Buffer, apply_add, Error) are matched by weftc's frontend.
//
// Annotations (see DESIGN.md, section 1):
//
//   #pragma weft parallel_for          the next loop's iterations commute: any serial
//                                      order of them is a correct result
//   #pragma weft parallel_for ordered  the next loop's dependences in source order must
//                                      be kept (dense recurrences, stencils)
//   #pragma weft pipeline              the next loop's body is a chain of layer calls
//                                      whose stages may overlap on consecutive iterations
//
// Serially every pragma means nothing: the loop runs in source order. Compilers ignore
// unknown pragmas, but GCC and Clang warn about them under -Wall (-Wunknown-pragmas),
// so build serial programs with -Wno-unknown-pragmas.
//
// Checks: DistArray indices are bounds-checked (weft::Error) when WEFT_BOUNDS_CHECK is
// defined or NDEBUG is not; otherwise an access is one multiply-add per dimension. Like
// assert, give every translation unit of a program the same setting.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/detail/error.h"
#include "weft/detail/splitmix64.h"
#include "weft/detail/triples.h"

namespace weft {

// ---------------------------------------------------------------------------------------
// DistArray<T, N>: a dense N-dimensional array, row-major, zero-initialized.
// Element (i0, ..., i{N-1}) lives at linear index ((i0 * n1 + i1) * n2 + ...) + i{N-1},
// where (n0, ..., n{N-1}) is the shape.
template <class T, std::size_t N>
class DistArray {
  static_assert(N >= 1, "weft::DistArray needs rank N >= 1");
  static_assert(!std::is_same_v<T, bool>, "weft::DistArray<bool, N> is not supported (use char)");

 public:
  using value_type = T;
  static constexpr std::size_t rank = N;

  // Throws weft::Error if an extent is negative or the element count overflows int64_t.
  explicit DistArray(std::array<std::int64_t, N> shape)
      : shape_(shape), data_(static_cast<std::size_t>(checked_element_count(shape))) {}

  const std::array<std::int64_t, N>& shape() const { return shape_; }
  std::int64_t size() const { return static_cast<std::int64_t>(data_.size()); }

  template <class... I>
  T& operator()(I... idx) {
    return data_[static_cast<std::size_t>(linear_index(idx...))];
  }
  template <class... I>
  const T& operator()(I... idx) const {
    return data_[static_cast<std::size_t>(linear_index(idx...))];
  }

  void fill(const T& value) { std::fill(data_.begin(), data_.end(), value); }

  // Sets the element at linear index n to a value uniform in [lo, hi) computed from
  // (seed, n) only: output n of splitmix64 seeded with `seed`, mapped to [lo, hi). So an
  // element's value depends on its linear index, not on the shape or on other elements.
  // Throws weft::Error unless lo < hi (and, for floating T, hi - lo is finite).
  void randomize(std::uint64_t seed, T lo, T hi) {
    static_assert(std::is_arithmetic_v<T>, "weft::DistArray::randomize needs an arithmetic T");
    bool valid = lo < hi;
    if constexpr (std::is_floating_point_v<T>) valid = valid && std::isfinite(hi - lo);
    if (!valid) {
      throw Error("weft::DistArray::randomize: invalid range [" + detail::format_number(lo) + ", " +
                  detail::format_number(hi) + "): need lo < hi and a finite width");
    }
    for (std::size_t n = 0; n < data_.size(); ++n) {
      data_[n] = detail::uniform_from_bits<T>(detail::splitmix64_at(seed, n), lo, hi);
    }
  }

  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }

 private:
  static std::int64_t checked_element_count(const std::array<std::int64_t, N>& shape) {
    std::int64_t count = 1;
    for (std::size_t d = 0; d < N; ++d) {
      if (shape[d] < 0) {
        throw Error("weft::DistArray: negative extent in dimension " + std::to_string(d) +
                    " of shape " + detail::format_tuple(shape));
      }
      if (shape[d] != 0 && count > std::numeric_limits<std::int64_t>::max() / shape[d]) {
        throw Error("weft::DistArray: shape " + detail::format_tuple(shape) +
                    " has more elements than int64_t can count");
      }
      count *= shape[d];
    }
    return count;
  }

  template <class... I>
  std::int64_t linear_index(I... idx) const {
    static_assert(sizeof...(I) == N, "weft::DistArray: give exactly one index per dimension");
    static_assert(((std::is_integral_v<I> && !std::is_same_v<I, bool>) && ...),
                  "weft::DistArray: indices must be integers");
    const std::array<std::int64_t, N> i{static_cast<std::int64_t>(idx)...};
#if defined(WEFT_BOUNDS_CHECK) || !defined(NDEBUG)
    for (std::size_t d = 0; d < N; ++d) {
      if (i[d] < 0 || i[d] >= shape_[d]) throw_out_of_bounds(i, d);
    }
#endif
    std::int64_t offset = i[0];
    for (std::size_t d = 1; d < N; ++d) offset = offset * shape_[d] + i[d];
    return offset;
  }

  [[noreturn]] void throw_out_of_bounds(const std::array<std::int64_t, N>& i, std::size_t d) const {
    throw Error("weft::DistArray: index " + detail::format_tuple(i) + " out of bounds for shape " +
                detail::format_tuple(shape_) + " (dimension " + std::to_string(d) + ")");
  }

  std::array<std::int64_t, N> shape_;
  std::vector<T> data_;
};

// ---------------------------------------------------------------------------------------
// SparseArray<T, N>: a list of (key, value) entries in insertion order. Keys are unique
// and non-negative: load_triples checks uniqueness, add() checks the sign but trusts the
// caller on uniqueness (checking would cost a hash set per array).
template <class T, std::size_t N>
struct Entry {
  std::array<std::int64_t, N> key;
  T value;
};

template <class T, std::size_t N>
class SparseArray {
  static_assert(N >= 1, "weft::SparseArray needs rank N >= 1");

 public:
  using value_type = T;
  using entry_type = Entry<T, N>;
  using iterator = typename std::vector<Entry<T, N>>::iterator;
  using const_iterator = typename std::vector<Entry<T, N>>::const_iterator;
  static constexpr std::size_t rank = N;

  SparseArray() = default;
  // Takes the entries as they are; throws weft::Error if a key component is negative.
  explicit SparseArray(std::vector<Entry<T, N>> entries) : entries_(std::move(entries)) {
    for (const Entry<T, N>& e : entries_) check_key(e.key, "weft::SparseArray");
  }

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }

  std::int64_t size() const { return static_cast<std::int64_t>(entries_.size()); }

  // Appends an entry; throws weft::Error if a key component is negative.
  void add(std::array<std::int64_t, N> key, T value) {
    check_key(key, "weft::SparseArray::add");
    entries_.push_back(Entry<T, N>{key, value});
  }

  void reserve(std::int64_t count) { entries_.reserve(static_cast<std::size_t>(std::max<std::int64_t>(count, 0))); }

  // Per dimension, the largest key component + 1; all zeros when empty. O(size()).
  std::array<std::int64_t, N> shape() const {
    std::array<std::int64_t, N> extent{};
    for (const Entry<T, N>& e : entries_) {
      for (std::size_t d = 0; d < N; ++d) extent[d] = std::max(extent[d], e.key[d] + 1);
    }
    return extent;
  }

  const std::vector<Entry<T, N>>& entries() const { return entries_; }

 private:
  static void check_key(const std::array<std::int64_t, N>& key, const char* where) {
    for (std::size_t d = 0; d < N; ++d) {
      if (key[d] < 0) {
        throw Error(std::string(where) + ": key " + detail::format_tuple(key) + " is negative in dimension " +
                    std::to_string(d));
      }
    }
  }

  std::vector<Entry<T, N>> entries_;
};

// ---------------------------------------------------------------------------------------
// load_triples<T, N>(path): reads a text file of lines "k0 k1 ... k{N-1} value"
// (fields separated by blanks; blank lines and lines whose first field starts with '#'
// are skipped) into a SparseArray, in file order. Keys are non-negative decimal
// integers, the value a decimal number (floating T, finite) or integer (integral T).
// Errors are weft::Error:
//   "<path>: cannot open: <reason>"  /  "<path>: cannot read: <reason>"
//   "<path>:<line>: <what is wrong with the line>"
//   "<path>:<line>: duplicate key (k0, ...), first on line <line>"
template <class T, std::size_t N>
SparseArray<T, N> load_triples(const std::string& path) {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>,
                "weft::load_triples needs an arithmetic value type");
  static_assert(N >= 1, "weft::load_triples needs rank N >= 1");
  constexpr std::size_t kFields = N + 1;
  // After this many entries, reserve for the whole file at the bytes per line seen so far
  // (memory is touched once instead of at every doubling; the guess may be short).
  constexpr std::size_t kEstimateAfter = 4096;

  detail::LineReader reader(path);
  std::vector<Entry<T, N>> entries;
  std::string_view line;
  std::array<std::string_view, kFields> fields;
  while (reader.next(line)) {
    const std::size_t count = detail::split_fields(line, fields.data(), kFields);
    if (detail::is_skipped_line(count, fields[0])) continue;
    const auto fail = [&](const std::string& what) {
      return Error(path + ":" + std::to_string(reader.line_number()) + ": " + what);
    };
    if (count != kFields) {
      throw fail(std::string(count < kFields ? "too few" : "too many") + " fields: expected " +
                 std::to_string(kFields) + " (" + std::to_string(N) + (N == 1 ? " key" : " keys") +
                 " and a value), found " + std::to_string(count));
    }
    Entry<T, N> entry;
    for (std::size_t d = 0; d < N; ++d) {
      if (auto error = detail::parse_key(fields[d], d, entry.key[d])) throw fail(*error);
    }
    if (auto error = detail::parse_value(fields[N], entry.value)) throw fail(*error);
    entries.push_back(entry);
    if (entries.size() == kEstimateAfter && reader.file_size() > reader.offset()) {
      const double per_byte = static_cast<double>(entries.size()) / static_cast<double>(reader.offset());
      entries.reserve(static_cast<std::size_t>(1.02 * per_byte * static_cast<double>(reader.file_size())));
    }
  }

  if (const auto dup = detail::find_duplicate_key(entries)) {
    const auto [first, second] = *dup;
    const auto lines = detail::line_numbers_of_entries(path, kFields, std::array<std::size_t, 2>{first, second});
    throw Error(path + ":" + std::to_string(lines[1]) + ": duplicate key " +
                detail::format_tuple(entries[second].key) + ", first on line " + std::to_string(lines[0]));
  }
  return SparseArray<T, N>(std::move(entries));
}

// ---------------------------------------------------------------------------------------
// Reductions. Accumulator<T, Op> folds values with Op; Op must be associative and
// commutative, so that a parallel runtime may combine partial values in any order,
// starting each partial value at reduction_identity<Op, T>::value().
template <class T>
struct Max {
  T operator()(const T& a, const T& b) const { return a < b ? b : a; }
};

template <class T>
struct Min {
  T operator()(const T& a, const T& b) const { return b < a ? b : a; }
};

// reduction_identity<Op, T>::value() is the e with Op(e, x) == x for every x.
template <class Op, class T>
struct reduction_identity;  // defined only for the operations below

template <class T>
struct reduction_identity<std::plus<T>, T> {
  static constexpr T value() { return T(0); }
};

template <class T>
struct reduction_identity<std::multiplies<T>, T> {
  static constexpr T value() { return T(1); }
};

// For floating T, -infinity (not lowest(): Max(lowest, -inf) would be lowest).
template <class T>
struct reduction_identity<Max<T>, T> {
  static constexpr T value() {
    if constexpr (std::numeric_limits<T>::has_infinity) return -std::numeric_limits<T>::infinity();
    return std::numeric_limits<T>::lowest();
  }
};

template <class T>
struct reduction_identity<Min<T>, T> {
  static constexpr T value() {
    if constexpr (std::numeric_limits<T>::has_infinity) return std::numeric_limits<T>::infinity();
    return std::numeric_limits<T>::max();
  }
};

template <class T, class Op = std::plus<T>>
class Accumulator {
 public:
  using value_type = T;
  using op_type = Op;

  explicit Accumulator(T init = T{}) : value_(std::move(init)) {}

  Accumulator& operator+=(const T& x) {
    value_ = Op{}(value_, x);
    return *this;
  }
  T value() const { return value_; }
  void reset(T v) { value_ = std::move(v); }

 private:
  T value_;
};

// ---------------------------------------------------------------------------------------
// Buffer<T, N, Apply>: relaxed writes to a DistArray. `b(i, j) += x` means
// apply(target(i, j), x); a parallel runtime may hold an update back for up to
// max_delay updates before applying it, serially it is applied at once.
struct ApplyAdd {
  template <class T>
  void operator()(T& target, const T& update) const {
    target += update;
  }
};
inline constexpr ApplyAdd apply_add{};

template <class T, std::size_t N, class Apply = ApplyAdd>
class Buffer {
 public:
  using value_type = T;
  static constexpr std::size_t rank = N;

  // The proxy for one element of the target: its only operation is +=.
  class Ref {
   public:
    Ref& operator+=(const T& x) {
      (*apply_)(*element_, x);
      return *this;
    }
    Ref& operator=(const Ref&) = delete;

   private:
    friend class Buffer;
    Ref(T& element, Apply& apply) : element_(&element), apply_(&apply) {}
    T* element_;
    Apply* apply_;
  };

  // Throws weft::Error if max_delay < 1.
  Buffer(DistArray<T, N>& target, Apply apply, std::int64_t max_delay)
      : target_(&target), apply_(std::move(apply)), max_delay_(max_delay) {
    if (max_delay < 1) {
      throw Error("weft::Buffer: max_delay must be at least 1, got " + std::to_string(max_delay));
    }
  }

  template <class... I>
  Ref operator()(I... idx) {
    return Ref((*target_)(idx...), apply_);
  }

  std::int64_t max_delay() const { return max_delay_; }
  DistArray<T, N>& target() { return *target_; }

 private:
  DistArray<T, N>* target_;
  Apply apply_;
  std::int64_t max_delay_;
};

template <class T, std::size_t N, class Apply>
Buffer(DistArray<T, N>&, Apply, std::int64_t) -> Buffer<T, N, Apply>;

}  // namespace weft
