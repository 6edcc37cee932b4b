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
// Parallel programs: weft's runtime (include/weft/rt/) partitions arrays over processes
// and restores every process's whole copy before serial code sees it again. The classes
// below carry one hook each for it (detail::Residency, Accumulator's partials, Buffer's
// logs); serial programs never set them. DistArray's element access has no hook at all:
// the runtime protects the pages of a partitioned array and materializes it in the
// fault handler of the first serial access (see detail::Residency), so an access costs
// the same in serial and parallel programs. DistArray storage is therefore page-aligned.
// Once data() has handed out the address of an array's storage, code the runtime cannot
// see may use it (a pointer kept across loops, a system call, a foreign library), so the
// runtime keeps that array whole and unprotected outside its loops instead (see
// detail::Residency::escaped; serially, data() only records it).
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
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/detail/error.h"
#include "weft/detail/splitmix64.h"
#include "weft/detail/triples.h"

namespace weft {

namespace detail {

#if defined(__GNUC__)
#define WEFT_DETAIL_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define WEFT_DETAIL_UNLIKELY(x) (x)
#endif

// The parallel runtime's record of how a DistArray or SparseArray is spread over the
// processes of a parallel program (implemented in include/weft/rt/). Serial programs
// never create one.
class Distribution {
public:
  virtual ~Distribution() = default;
  // Makes this process's copy of `array` (the DistArray or SparseArray that holds this
  // record) whole and current again. Collective: every process of the program makes the
  // same serial access, so every process calls it at the same point.
  virtual void materialize(void *array) = 0;
};

// What a DistArray or SparseArray holds for the runtime: its record, and `pending`,
// which is non-null exactly while this process's copy is not whole (a parallel loop left
// the array partitioned). The calls that hand out the storage or iterate (SparseArray's
// begin/end/size, DistArray's data/fill/randomize/copies) check `pending` and
// materialize first; these are not per-element calls.
//
// DistArray's operator() does not check: an opaque call on a cold path inside a hot
// loop costs far more than its branch (floating-point values live in caller-saved
// registers and get spilled around it, and the loop no longer vectorizes: the serial mf
// sample ran 4-10x slower with such a check). Instead, while `pending` is set the
// runtime keeps the array's pages inaccessible; the first access faults and the
// runtime's handler materializes the array and lets the access retry (the technique of
// page-based software DSM systems such as IVY and TreadMarks).
//
// A pointer to the storage that escapes (DistArray::data()) is out of the runtime's
// sight: it may be kept across a parallel loop and given to a system call, which does not
// fault on a protected page but fails (EFAULT), or to a foreign library. `escaped`
// records that data() was called; from then on a runtime never protects the array, and
// makes it whole at the end of every loop that writes it or moves its parts.
//
// Copies start without a record (a copy is made from a whole array); moves take it along.
// `escaped` describes the storage: a copy has new storage (not escaped), a move takes the
// storage along, and a copy assignment keeps the target's (which std::vector may reuse).
struct Residency {
  Distribution *pending = nullptr;
  std::unique_ptr<Distribution> record;
  // Counts changes a runtime cannot see (a SparseArray's mutable iteration, add): a
  // runtime that caches a plan derived from the entries compares it to detect a stale
  // plan.
  std::uint64_t version = 0;
  // Set by hand_out() (a DistArray's data()) and by a SparseArray's mutable begin/end,
  // never cleared: no one can tell when the last pointer, iterator or reference is gone.
  bool escaped = false;

  Residency() = default;
  Residency(const Residency &) {}
  Residency(Residency &&other) noexcept
      : pending(std::exchange(other.pending, nullptr)), record(std::move(other.record)),
        version(other.version), escaped(std::exchange(other.escaped, false)) {}
  Residency &operator=(const Residency &) {
    pending = nullptr;
    record.reset();
    ++version;
    return *this;
  }
  Residency &operator=(Residency &&other) noexcept {
    pending = std::exchange(other.pending, nullptr);
    record = std::move(other.record);
    ++version;
    escaped = std::exchange(other.escaped, false);
    return *this;
  }
  ~Residency() = default;

  // Called before `owner` (the array holding this) hands out its storage.
  void make_whole(const void *owner) {
    if (WEFT_DETAIL_UNLIKELY(pending != nullptr)) {
      pending->materialize(const_cast<void *>(owner));
      pending = nullptr;
    }
  }
  // Called before `owner` hands out the address of its storage: whole now, and marked
  // escaped (serially, one store).
  void hand_out(const void *owner) {
    make_whole(owner);
    escaped = true;
  }
};

// Storage of a DistArray: aligned to, and a whole number of, kPageBytes, so that the
// runtime can protect exactly the array's pages (and no neighbour's).
inline constexpr std::size_t kPageBytes = 4096;

template <class T> struct PageAllocator {
  using value_type = T;
  PageAllocator() = default;
  template <class U> PageAllocator(const PageAllocator<U> &) {}

  static std::size_t rounded_bytes(std::size_t n) {
    return (n * sizeof(T) + kPageBytes - 1) / kPageBytes * kPageBytes;
  }
  T *allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T) - kPageBytes)
      throw std::bad_alloc();
    return static_cast<T *>(::operator new (rounded_bytes(n), std::align_val_t{kPageBytes}));
  }
  void deallocate(T *p, std::size_t) noexcept {
    ::operator delete (p, std::align_val_t{kPageBytes});
  }
  template <class U> bool operator==(const PageAllocator<U> &) const { return true; }
  template <class U> bool operator!=(const PageAllocator<U> &) const { return false; }
};

// The index of the worker thread that runs the current iteration of a parallel loop:
// the runtime sets it before each block of iterations; 0 in serial programs.
inline thread_local int worker_index = 0;

// One partial value of an Accumulator per worker, each on its own cache line.
template <class T> struct alignas(64) Partial { T value; };

// The updates one worker of a parallel loop holds back for a Buffer: room for
// `capacity` of them, `count` used. The runtime makes the room large enough for the
// iterations it lets the worker run before the next flush; an iteration that makes more
// buffered updates than that ends the program with a message (overflow, no call on the
// common path so that serial loops over Buffers keep their speed).
template <class T> struct PendingUpdate {
  T *element;
  T update;
};

template <class T> struct alignas(64) UpdateLog {
  PendingUpdate<T> *updates = nullptr;
  std::int64_t count = 0;
  std::int64_t capacity = 0;
  // Called when the room is exhausted; must not return.
  void (*overflow)(std::int64_t capacity) = nullptr;
};

// Reports a full UpdateLog (its overflow handler ends the program); noreturn, so the
// check costs serial code nothing but its branch.
template <class T>
[[noreturn]]
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
void update_log_overflow(const UpdateLog<T>& log) {
  log.overflow(log.capacity);
  std::abort();
}

// The runtime's access to the hooks above (include/weft/rt/ only; defined after the
// classes).
struct RuntimeAccess;

} // namespace detail

// ---------------------------------------------------------------------------------------
// DistArray<T, N>: a dense N-dimensional array, row-major, zero-initialized.
// Element (i0, ..., i{N-1}) lives at linear index ((i0 * n1 + i1) * n2 + ...) + i{N-1},
// where (n0, ..., n{N-1}) is the shape.
template <class T, std::size_t N> class DistArray {
  static_assert(N >= 1, "weft::DistArray needs rank N >= 1");
  static_assert(!std::is_same_v<T, bool>, "weft::DistArray<bool, N> is not supported (use char)");

public:
  using value_type = T;
  static constexpr std::size_t rank = N;

  // Throws weft::Error if an extent is negative or the element count overflows int64_t.
  explicit DistArray(std::array<std::int64_t, N> shape)
      : shape_(shape), data_(static_cast<std::size_t>(checked_element_count(shape))) {}

  // Copies see the whole array: a partitioned source is materialized first.
  DistArray(const DistArray &other)
      : shape_(other.shape_), data_((other.make_whole(), other.data_)) {}
  DistArray(DistArray &&) noexcept = default;
  DistArray &operator=(const DistArray &other) {
    if (this != &other) {
      other.make_whole();
      residency_ = other.residency_; // this copy is whole: forget how it was partitioned
      shape_ = other.shape_;
      data_ = other.data_;
    }
    return *this;
  }
  DistArray &operator=(DistArray &&other) noexcept {
    if (this != &other) {
      residency_ = detail::Residency(); // the runtime gives this storage's pages back first
      shape_ = other.shape_;
      data_ = std::move(other.data_);
      residency_ = std::move(other.residency_);
    }
    return *this;
  }
  ~DistArray() = default;

  const std::array<std::int64_t, N> &shape() const { return shape_; }
  std::int64_t size() const { return static_cast<std::int64_t>(data_.size()); }

  // No check for partitioned arrays here: see detail::Residency.
  template <class... I> T &operator()(I... idx) {
    return data_[static_cast<std::size_t>(linear_index(idx...))];
  }
  template <class... I> const T &operator()(I... idx) const {
    return data_[static_cast<std::size_t>(linear_index(idx...))];
  }

  void fill(const T &value) {
    make_whole();
    std::fill(data_.begin(), data_.end(), value);
  }

  // Sets the element at linear index n to a value uniform in [lo, hi) computed from
  // (seed, n) only: output n of splitmix64 seeded with `seed`, mapped to [lo, hi). So an
  // element's value depends on its linear index, not on the shape or on other elements.
  // Throws weft::Error unless lo < hi (and, for floating T, hi - lo is finite).
  void randomize(std::uint64_t seed, T lo, T hi) {
    static_assert(std::is_arithmetic_v<T>, "weft::DistArray::randomize needs an arithmetic T");
    bool valid = lo < hi;
    if constexpr (std::is_floating_point_v<T>)
      valid = valid && std::isfinite(hi - lo);
    if (!valid) {
      throw Error("weft::DistArray::randomize: invalid range [" + detail::format_number(lo) + ", " +
                  detail::format_number(hi) + "): need lo < hi and a finite width");
    }
    make_whole();
    for (std::size_t n = 0; n < data_.size(); ++n) {
      data_[n] = detail::uniform_from_bits<T>(detail::splitmix64_at(seed, n), lo, hi);
    }
  }

  // The address of the storage, whole. A parallel runtime keeps the array whole and
  // unprotected outside its loops from now on (see detail::Residency), so the pointer may
  // be kept and given to any code, also after later loops. Every process of a parallel
  // program must call it (as it does every serial access).
  T *data() {
    residency_.hand_out(this);
    return data_.data();
  }
  const T *data() const {
    residency_.hand_out(this);
    return data_.data();
  }

private:
  friend struct detail::RuntimeAccess;

  // Before handing out the storage: one branch, taken only in a parallel program after a
  // loop left this array partitioned over processes.
  void make_whole() const { residency_.make_whole(this); }
  static std::int64_t checked_element_count(const std::array<std::int64_t, N> &shape) {
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

  template <class... I> std::int64_t linear_index(I... idx) const {
    static_assert(sizeof...(I) == N, "weft::DistArray: give exactly one index per dimension");
    static_assert(((std::is_integral_v<I> && !std::is_same_v<I, bool>)&&...),
                  "weft::DistArray: indices must be integers");
    const std::array<std::int64_t, N> i{static_cast<std::int64_t>(idx)...};
#if defined(WEFT_BOUNDS_CHECK) || !defined(NDEBUG)
    for (std::size_t d = 0; d < N; ++d) {
      if (i[d] < 0 || i[d] >= shape_[d])
        throw_out_of_bounds(i, d);
    }
#endif
    std::int64_t offset = i[0];
    for (std::size_t d = 1; d < N; ++d)
      offset = offset * shape_[d] + i[d];
    return offset;
  }

  [[noreturn]] void throw_out_of_bounds(const std::array<std::int64_t, N> &i, std::size_t d) const {
    throw Error("weft::DistArray: index " + detail::format_tuple(i) + " out of bounds for shape " +
                detail::format_tuple(shape_) + " (dimension " + std::to_string(d) + ")");
  }

  std::array<std::int64_t, N> shape_;
  std::vector<T, detail::PageAllocator<T>> data_;
  // Declared after data_, so destroyed before it: the record gives the pages back
  // (unprotected) before the storage is freed.
  mutable detail::Residency residency_;
};

// ---------------------------------------------------------------------------------------
// SparseArray<T, N>: a list of (key, value) entries in insertion order. Keys are unique
// and non-negative: load_triples checks uniqueness, add() checks the sign but trusts the
// caller on uniqueness (checking would cost a hash set per array).
template <class T, std::size_t N> struct Entry {
  std::array<std::int64_t, N> key;
  T value;
};

template <class T, std::size_t N> class SparseArray {
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
    for (const Entry<T, N> &e : entries_)
      check_key(e.key, "weft::SparseArray");
  }

  // Copies see every entry: a partitioned source is materialized first.
  SparseArray(const SparseArray &other) : entries_((other.make_whole(), other.entries_)) {}
  SparseArray(SparseArray &&) noexcept = default;
  SparseArray &operator=(const SparseArray &other) {
    if (this != &other) {
      other.make_whole();
      residency_ = other.residency_;
      entries_ = other.entries_;
    }
    return *this;
  }
  SparseArray &operator=(SparseArray &&) noexcept = default;
  ~SparseArray() = default;

  // Mutable iteration may change entries behind a runtime's back: it counts as a change,
  // and the iterator (or a reference to an entry) may be kept and written through later,
  // so the array is marked escaped: a runtime then checks its entries at every loop.
  iterator begin() {
    changed();
    residency_.escaped = true;
    return entries_.begin();
  }
  iterator end() {
    changed();
    residency_.escaped = true;
    return entries_.end();
  }
  const_iterator begin() const {
    make_whole();
    return entries_.begin();
  }
  const_iterator end() const {
    make_whole();
    return entries_.end();
  }

  std::int64_t size() const {
    make_whole();
    return static_cast<std::int64_t>(entries_.size());
  }

  // Appends an entry; throws weft::Error if a key component is negative.
  void add(std::array<std::int64_t, N> key, T value) {
    check_key(key, "weft::SparseArray::add");
    changed();
    entries_.push_back(Entry<T, N>{key, value});
  }

  void reserve(std::int64_t count) {
    make_whole();
    entries_.reserve(static_cast<std::size_t>(std::max<std::int64_t>(count, 0)));
  }

  // Per dimension, the largest key component + 1; all zeros when empty. O(size()).
  std::array<std::int64_t, N> shape() const {
    make_whole();
    std::array<std::int64_t, N> extent{};
    for (const Entry<T, N> &e : entries_) {
      for (std::size_t d = 0; d < N; ++d)
        extent[d] = std::max(extent[d], e.key[d] + 1);
    }
    return extent;
  }

  const std::vector<Entry<T, N>> &entries() const {
    make_whole();
    return entries_;
  }

private:
  friend struct detail::RuntimeAccess;

  void make_whole() const { residency_.make_whole(this); }
  void changed() {
    make_whole();
    ++residency_.version;
  }

  static void check_key(const std::array<std::int64_t, N> &key, const char *where) {
    for (std::size_t d = 0; d < N; ++d) {
      if (key[d] < 0) {
        throw Error(std::string(where) + ": key " + detail::format_tuple(key) +
                    " is negative in dimension " + std::to_string(d));
      }
    }
  }

  std::vector<Entry<T, N>> entries_;
  mutable detail::Residency residency_;
};

// ---------------------------------------------------------------------------------------
// load_triples<T, N>(path, options): reads a text file of lines "k0 k1 ... k{N-1} value"
// (fields separated by blanks; blank lines and lines whose first field starts with '#'
// are skipped) into a SparseArray, in file order. Keys are decimal integers from 0 to
// options.max_key, the value a decimal number (floating T, finite) or integer (integral
// T). Every line ends with '\n': a last line with data but no newline is taken for a file
// cut short. A file without entries is an error unless options.allow_empty.
// Errors are weft::Error:
//   "<path>: cannot open: <reason>"  /  "<path>: cannot read: <reason>"
//   "<path>:<line>: <what is wrong with the line>", e.g.
//   "<path>:<line>: key 0 is out of range: '2147483648' (the largest key is 2^31 - 1 = ...)"
//   "<path>:<line>: the last line does not end with a newline: the file may be cut short ..."
//   "<path>:<line>: duplicate key (k0, ...), first on line <line>"
//   "<path>: no entries (an empty file; ...)"
//
// In a parallel program every process reads the file; the runtime then checks that all
// of them read the same entries (count, shape and a checksum) and throws the same error
// on every process otherwise, naming what differs (see weft/rt/session.h).
struct LoadOptions {
  // The largest key accepted in any dimension. Keys size the arrays they index (a
  // DistArray with max key + 1 rows), so a stray huge key is an error naming its line
  // rather than an allocation that fails far from the file.
  std::int64_t max_key = detail::kDefaultMaxKey;
  // Whether a file without entries (empty, or only blank and comment lines) is accepted.
  bool allow_empty = false;
};

namespace detail {

// What load_triples read on this process, for a parallel runtime's check that every
// process read the same input.
struct LoadedInput {
  std::string path;
  std::string error; // empty: read without error
  std::int64_t entries = 0;
  std::vector<std::int64_t> shape;
  std::uint64_t checksum = 0;
};

// Set by a parallel runtime while its session runs (weft::rt::Session); serial programs
// never set it. Called on every process by every load_triples, with what it read or its
// error; returns if every process read the same, throws weft::Error otherwise.
inline void (*agree_on_input)(const LoadedInput &) = nullptr;

template <class T, std::size_t N>
std::vector<Entry<T, N>> read_triples(const std::string &path, const LoadOptions &options) {
  constexpr std::size_t kFields = N + 1;
  // After this many entries, reserve for the whole file at the bytes per line seen so far
  // (memory is touched once instead of at every doubling; the guess may be short).
  constexpr std::size_t kEstimateAfter = 4096;

  LineReader reader(path);
  std::vector<Entry<T, N>> entries;
  std::string_view line;
  std::string error;
  while (reader.next(line)) {
    Entry<T, N> entry;
    const LineKind kind =
        parse_triple_line<T, N>(line, entry.key, entry.value, error, options.max_key);
    if (kind == LineKind::Skipped)
      continue;
    if (reader.unterminated())
      error = unterminated_last_line_error();
    if (kind == LineKind::Error || reader.unterminated()) {
      throw Error(path + ":" + std::to_string(reader.line_number()) + ": " + error);
    }
    entries.push_back(entry);
    if (entries.size() == kEstimateAfter && reader.file_size() > reader.offset()) {
      const double per_byte =
          static_cast<double>(entries.size()) / static_cast<double>(reader.offset());
      entries.reserve(
          static_cast<std::size_t>(1.02 * per_byte * static_cast<double>(reader.file_size())));
    }
  }
  if (entries.empty() && !options.allow_empty)
    throw Error(empty_file_error(path));

  if (const auto dup = find_duplicate_key(entries)) {
    const auto [first, second] = *dup;
    const auto lines =
        line_numbers_of_entries(path, kFields, std::array<std::size_t, 2>{first, second});
    throw Error(path + ":" + std::to_string(lines[1]) + ": duplicate key " +
                format_tuple(entries[second].key) + ", first on line " + std::to_string(lines[0]));
  }
  return entries;
}

} // namespace detail

template <class T, std::size_t N>
SparseArray<T, N> load_triples(const std::string &path,
                               const LoadOptions &options = LoadOptions()) {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>,
                "weft::load_triples needs an arithmetic value type");
  static_assert(N >= 1, "weft::load_triples needs rank N >= 1");
  if (detail::agree_on_input == nullptr)
    return SparseArray<T, N>(detail::read_triples<T, N>(path, options));

  detail::LoadedInput mine;
  mine.path = path;
  std::vector<Entry<T, N>> entries;
  try {
    entries = detail::read_triples<T, N>(path, options);
  } catch (const Error &e) {
    mine.error = e.what();
  } catch (const std::bad_alloc &) {
    mine.error = path + ": out of memory while reading the file";
  }
  SparseArray<T, N> loaded(std::move(entries));
  if (mine.error.empty()) {
    mine.entries = loaded.size();
    const std::array<std::int64_t, N> shape = loaded.shape();
    mine.shape.assign(shape.begin(), shape.end());
    mine.checksum = detail::checksum_of_entries(loaded.entries());
  }
  detail::agree_on_input(mine);
  return loaded;
}

// ---------------------------------------------------------------------------------------
// Errors in the command line.
namespace detail {
// Set by a parallel runtime while its session runs; see command_line_error.
inline void (*end_on_command_line_error)(const std::string &message, int status) = nullptr;
} // namespace detail

// Ends the program for an error that follows from its command line alone (an unknown
// flag, a value out of range): prints `message` on stderr as it is and exits with
// `status`. A parallel run's processes all meet such an error alike, so when every
// process got the same command line only process 0 prints it and the processes end
// together, each with `status`; when the command lines differ, each process prints it
// and the job ends as after any other error.
[[noreturn]] inline void command_line_error(const std::string &message, int status = 2) {
  if (detail::end_on_command_line_error != nullptr)
    detail::end_on_command_line_error(message, status); // does not return
  std::fputs(message.c_str(), stderr);
  std::fflush(stderr);
  std::exit(status);
}

// ---------------------------------------------------------------------------------------
// Reductions. Accumulator<T, Op> folds values with Op; Op must be associative and
// commutative, so that a parallel runtime may combine partial values in any order,
// starting each partial value at reduction_identity<Op, T>::value().
template <class T> struct Max {
  T operator()(const T &a, const T &b) const { return a < b ? b : a; }
};

template <class T> struct Min {
  T operator()(const T &a, const T &b) const { return b < a ? b : a; }
};

// reduction_identity<Op, T>::value() is the e with Op(e, x) == x for every x.
template <class Op, class T> struct reduction_identity; // defined only for the operations below

template <class T> struct reduction_identity<std::plus<T>, T> {
  static constexpr T value() { return T(0); }
};

template <class T> struct reduction_identity<std::multiplies<T>, T> {
  static constexpr T value() { return T(1); }
};

// For floating T, -infinity (not lowest(): Max(lowest, -inf) would be lowest).
template <class T> struct reduction_identity<Max<T>, T> {
  static constexpr T value() {
    if constexpr (std::numeric_limits<T>::has_infinity)
      return -std::numeric_limits<T>::infinity();
    return std::numeric_limits<T>::lowest();
  }
};

template <class T> struct reduction_identity<Min<T>, T> {
  static constexpr T value() {
    if constexpr (std::numeric_limits<T>::has_infinity)
      return std::numeric_limits<T>::infinity();
    return std::numeric_limits<T>::max();
  }
};

template <class T, class Op = std::plus<T>> class Accumulator {
public:
  using value_type = T;
  using op_type = Op;

  explicit Accumulator(T init = T{}) : value_(std::move(init)) {}

  Accumulator &operator+=(const T &x) {
    if (WEFT_DETAIL_UNLIKELY(partials_ != nullptr)) {
      T &partial = partials_[detail::worker_index].value;
      partial = Op{}(partial, x);
    } else {
      value_ = Op{}(value_, x);
    }
    return *this;
  }
  T value() const { return value_; }
  void reset(T v) { value_ = std::move(v); }

private:
  friend struct detail::RuntimeAccess;

  T value_;
  // Set by the runtime during a parallel loop: one partial value per worker thread,
  // folded into value_ (across threads and processes) when the loop ends.
  detail::Partial<T> *partials_ = nullptr;
};

// ---------------------------------------------------------------------------------------
// Buffer<T, N, Apply>: relaxed writes to a DistArray. `b(i, j) += x` means
// apply(target(i, j), x); a parallel runtime may hold an update back for up to
// max_delay updates before applying it, serially it is applied at once.
struct ApplyAdd {
  template <class T> void operator()(T &target, const T &update) const { target += update; }
};
inline constexpr ApplyAdd apply_add{};

template <class T, std::size_t N, class Apply = ApplyAdd> class Buffer {
public:
  using value_type = T;
  static constexpr std::size_t rank = N;

  // The proxy for one element of the target: its only operation is +=.
  class Ref {
  public:
    Ref &operator+=(const T &x) {
      if (WEFT_DETAIL_UNLIKELY(logs_ != nullptr)) {
        detail::UpdateLog<T> &log = logs_[detail::worker_index];
        if (WEFT_DETAIL_UNLIKELY(log.count == log.capacity))
          detail::update_log_overflow(log);
        log.updates[log.count++] = detail::PendingUpdate<T>{element_, x};
      } else {
        (*apply_)(*element_, x);
      }
      return *this;
    }
    Ref &operator=(const Ref &) = delete;

  private:
    friend class Buffer;
    Ref(T &element, Apply &apply, detail::UpdateLog<T> *logs)
        : element_(&element), apply_(&apply), logs_(logs) {}
    T *element_;
    Apply *apply_;
    detail::UpdateLog<T> *logs_;
  };

  // Throws weft::Error if max_delay < 1.
  Buffer(DistArray<T, N> &target, Apply apply, std::int64_t max_delay)
      : target_(&target), apply_(std::move(apply)), max_delay_(max_delay) {
    if (max_delay < 1) {
      throw Error("weft::Buffer: max_delay must be at least 1, got " + std::to_string(max_delay));
    }
  }

  template <class... I> Ref operator()(I... idx) { return Ref((*target_)(idx...), apply_, logs_); }

  std::int64_t max_delay() const { return max_delay_; }
  DistArray<T, N> &target() { return *target_; }

private:
  friend struct detail::RuntimeAccess;

  DistArray<T, N> *target_;
  Apply apply_;
  std::int64_t max_delay_;
  // Set by the runtime during a parallel loop: one log per worker; updates wait there
  // and are applied at the next flush (at most max_delay updates later), not at once.
  detail::UpdateLog<T> *logs_ = nullptr;
};

template <class T, std::size_t N, class Apply>
Buffer(DistArray<T, N> &, Apply, std::int64_t) -> Buffer<T, N, Apply>;

// ---------------------------------------------------------------------------------------
// The parallel runtime's way to the hooks (include/weft/rt/ only; user code never needs it).
namespace detail {
struct RuntimeAccess {
  template <class T, std::size_t N> static Residency &residency(const DistArray<T, N> &a) {
    return a.residency_;
  }
  template <class T, std::size_t N> static T *storage(DistArray<T, N> &a) { // no materialization
    return a.data_.data();
  }
  // Exchanges the shapes and elements of two whole arrays (not their residency): the
  // pipeline executor runs a microbatch's statements on its own rows this way.
  template <class T, std::size_t N> static void exchange(DistArray<T, N> &a, DistArray<T, N> &b) {
    std::swap(a.shape_, b.shape_);
    a.data_.swap(b.data_);
  }
  template <class T, std::size_t N> static Residency &residency(const SparseArray<T, N> &a) {
    return a.residency_;
  }
  template <class T, std::size_t N>
  static std::vector<Entry<T, N>> &entries(SparseArray<T, N> &a) { // no materialization
    return a.entries_;
  }
  template <class T, std::size_t N>
  static const std::vector<Entry<T, N>> &entries(const SparseArray<T, N> &a) {
    return a.entries_;
  }
  template <class T, class Op> static Partial<T> *&partials(Accumulator<T, Op> &a) {
    return a.partials_;
  }
  template <class T, class Op> static T &value(Accumulator<T, Op> &a) { return a.value_; }
  template <class T, std::size_t N, class Apply>
  static UpdateLog<T> *&logs(Buffer<T, N, Apply> &b) {
    return b.logs_;
  }
  template <class T, std::size_t N, class Apply> static Apply &apply(Buffer<T, N, Apply> &b) {
    return b.apply_;
  }
};
} // namespace detail

} // namespace weft
