// weft/rt/loop.h — what every executor shares: the loop's footprint (the arrays it writes
// and reads, its accumulators and buffers), the begin and end of a parallel loop under
// the memory model (LoopScope), and the distribution of a SparseArray's entries.
#pragma once

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "weft/rt/checkpoint.h"
#include "weft/rt/distribution.h"
#include "weft/rt/partitioning.h"
#include "weft/rt/session.h"
#include "weft/rt/sparse.h"
#include "weft/weft.h"

namespace weft::rt {

// A dense loop's iteration space: begin <= i < end.
struct IndexRange {
  std::int64_t begin = 0;
  std::int64_t end = 0;
};

// How many of first, first + step, first + 2 step, ... come before `limit` (exclusive,
// in the direction of the step; step != 0): the trip count of a counted loop.
inline std::int64_t trip_count(std::int64_t first, std::int64_t limit, std::int64_t step) {
  if (step > 0)
    return limit > first ? (limit - first + step - 1) / step : 0;
  return limit < first ? (first - limit - step - 1) / -step : 0;
}

// An accumulator a loop folds into: each worker folds into its own partial value
// (starting at reduction_identity), and the loop's end folds the partials of every
// worker and then of every process (in rank order) into the accumulator.
class Reduction {
public:
  virtual ~Reduction() = default;
  virtual void install(int workers) = 0;
  virtual void combine(Transport &net) = 0;
  virtual void uninstall() = 0;
  // The accumulator's value, as bytes (checkpoints, checkpoint.h).
  virtual std::byte *value_bytes() = 0;
  virtual std::size_t value_size() const = 0;
};

template <class T, class Op> class AccumulatorReduction final : public Reduction {
  static_assert(std::is_trivially_copyable_v<T>,
                "weft::rt: reductions need a trivially copyable value type");

public:
  explicit AccumulatorReduction(weft::Accumulator<T, Op> &acc) : acc_(&acc) {}

  void install(int workers) override {
    const T identity = weft::reduction_identity<Op, T>::value();
    partials_.assign(static_cast<std::size_t>(workers), weft::detail::Partial<T>{identity});
    weft::detail::RuntimeAccess::partials(*acc_) = partials_.data();
  }
  void combine(Transport &net) override {
    T local = weft::reduction_identity<Op, T>::value();
    for (const auto &p : partials_)
      local = Op{}(local, p.value);
    uninstall();
    std::vector<std::int64_t> counts;
    const std::vector<std::byte> all = net.allgatherv(&local, sizeof(T), counts, Kind::Control);
    T global = weft::reduction_identity<Op, T>::value();
    for (int q = 0; q < net.size(); ++q) {
      T v;
      std::memcpy(&v, all.data() + static_cast<std::size_t>(q) * sizeof(T), sizeof(T));
      global = Op{}(global, v);
    }
    T &value = weft::detail::RuntimeAccess::value(*acc_);
    value = Op{}(value, global);
  }
  void uninstall() override { weft::detail::RuntimeAccess::partials(*acc_) = nullptr; }
  std::byte *value_bytes() override {
    return reinterpret_cast<std::byte *>(&weft::detail::RuntimeAccess::value(*acc_));
  }
  std::size_t value_size() const override { return sizeof(T); }

private:
  weft::Accumulator<T, Op> *acc_;
  std::vector<weft::detail::Partial<T>> partials_;
};

// Writes through a Buffer (relaxed and rotation_2d loops): each worker logs its updates
// instead of applying them, and flush() applies every worker's and every process's
// updates, in the order (process, worker, update), to every process's copy of the
// target, with the Buffer's apply function. So the copies stay identical and the target
// stays whole.
class BufferedWrites {
public:
  virtual ~BufferedWrites() = default;
  virtual const ArrayHandle &target() const = 0;
  virtual std::int64_t max_delay() const = 0;
  virtual void install(int workers) = 0;
  // Whether `worker` holds max_delay updates or more (it must not start another
  // iteration before the next flush).
  virtual bool full(int worker) const = 0;
  virtual std::int64_t held() const = 0; // updates held by all workers
  virtual void flush(Transport &net) = 0;
  virtual void uninstall() = 0;
};

namespace buffer_detail {
// A log overflowed: one iteration made more updates than the room left (ends the job).
[[noreturn]] void overflow(std::int64_t capacity);
} // namespace buffer_detail

template <class T, std::size_t N, class Apply> class BufferWrites final : public BufferedWrites {
  static_assert(std::is_trivially_copyable_v<T>,
                "weft::rt: buffered values must be trivially copyable");

public:
  explicit BufferWrites(weft::Buffer<T, N, Apply> &b)
      : buffer_(&b), target_(handle_of(b.target())) {}

  const ArrayHandle &target() const override { return target_; }
  std::int64_t max_delay() const override { return buffer_->max_delay(); }
  void install(int workers) override {
    // Room for max_delay updates and the iteration that crosses the limit.
    const std::int64_t capacity = 2 * buffer_->max_delay() + 4096;
    rooms_.assign(static_cast<std::size_t>(workers),
                  std::vector<weft::detail::PendingUpdate<T>>(static_cast<std::size_t>(capacity)));
    logs_.assign(static_cast<std::size_t>(workers), weft::detail::UpdateLog<T>{});
    for (std::size_t w = 0; w < logs_.size(); ++w) {
      logs_[w].updates = rooms_[w].data();
      logs_[w].capacity = capacity;
      logs_[w].overflow = &buffer_detail::overflow;
    }
    weft::detail::RuntimeAccess::logs(*buffer_) = logs_.data();
  }
  bool full(int worker) const override {
    return logs_[static_cast<std::size_t>(worker)].count >= max_delay();
  }
  std::int64_t held() const override {
    std::int64_t n = 0;
    for (const auto &l : logs_)
      n += l.count;
    return n;
  }
  void flush(Transport &net) override {
    struct Record {
      std::int64_t index;
      T value;
    };
    T *base = reinterpret_cast<T *>(target_.storage);
    std::vector<Record> mine;
    mine.reserve(static_cast<std::size_t>(held()));
    for (auto &l : logs_) {
      for (std::int64_t k = 0; k < l.count; ++k)
        mine.push_back(Record{l.updates[k].element - base, l.updates[k].update});
      l.count = 0;
    }
    std::vector<std::int64_t> counts;
    const std::vector<std::byte> all = net.allgatherv(
        mine.data(), static_cast<std::int64_t>(mine.size() * sizeof(Record)), counts);
    Apply &apply = weft::detail::RuntimeAccess::apply(*buffer_);
    const std::size_t n = all.size() / sizeof(Record);
    for (std::size_t k = 0; k < n; ++k) {
      Record r;
      std::memcpy(&r, all.data() + k * sizeof(Record), sizeof r);
      apply(base[r.index], r.value);
    }
  }
  void uninstall() override { weft::detail::RuntimeAccess::logs(*buffer_) = nullptr; }

private:
  weft::Buffer<T, N, Apply> *buffer_;
  ArrayHandle target_;
  std::vector<std::vector<weft::detail::PendingUpdate<T>>> rooms_;
  std::vector<weft::detail::UpdateLog<T>> logs_;
};

// What a parallel loop touches besides its iteration space. Executors take one:
//
//   weft::rt::Footprint().write(W, /*key dim*/ 0).write(H, 1).read(bias, 1).reduce(sq_err)
//
// write(A, d): the loop writes rows of A (dimension 0) named by key dimension d of its
//   entries (dense loops: d = 0, the loop index). The executor makes the process that
//   runs an iteration own the rows it writes.
// write(A, d, map): the same for rows named through a RowMap (partitioning.h), row =
//   map.scale * key + map.offset with scale +1 or -1: write(W, 0, RowMap{1, -1}) for
//   W(e.key[0] - 1, k), write(W, 0, RowMap{-1, n - 1}) for W(n - 1 - e.key[0], k). The
//   offset is a value of the program, taken when the Footprint is built.
// read(A, d[, map]): the loop reads rows of A named by key dimension d (through map);
//   read(A): any element. Rows that another process owns are copied in before the loop
//   (prefetch).
// A key may name a row outside its array (partitioning.h: a guarded access); the row is
//   in no layout and fetched by no process.
// reduce(acc): the loop folds into the Accumulator acc (acc += x in the body).
// buffer(b): the loop writes through the Buffer b (b(i, j) += x; relaxed and rotation_2d
//   loops only).
// Arrays the loop does not name must not be partitioned by an earlier loop: touching one
// ends the program with a message naming its shape.
class Footprint {
public:
  struct Use {
    ArrayHandle handle;
    int key_dim; // -1: no key dimension (reads only)
    RowMap map;  // the row that key[key_dim] names
  };

  template <class T, std::size_t N>
  Footprint &write(weft::DistArray<T, N> &a, int key_dim, RowMap map = RowMap{}) {
    check_map("write", map);
    writes_.push_back(Use{handle_of(a), key_dim, map});
    return *this;
  }
  // A const array too: its values do not change, but the runtime may copy rows that
  // another process holds into its storage (the memory model's prefetch).
  template <class T, std::size_t N>
  Footprint &read(const weft::DistArray<T, N> &a, int key_dim = -1, RowMap map = RowMap{}) {
    check_map("read", map);
    reads_.push_back(Use{handle_of(const_cast<weft::DistArray<T, N> &>(a)), key_dim, map});
    return *this;
  }
  template <class T, class Op> Footprint &reduce(weft::Accumulator<T, Op> &acc) {
    reductions_.push_back(std::make_shared<AccumulatorReduction<T, Op>>(acc));
    return *this;
  }
  template <class T, std::size_t N, class Apply> Footprint &buffer(weft::Buffer<T, N, Apply> &b) {
    buffers_.push_back(std::make_shared<BufferWrites<T, N, Apply>>(b));
    return *this;
  }

  const std::vector<Use> &writes() const { return writes_; }
  const std::vector<Use> &reads() const { return reads_; }
  const std::vector<std::shared_ptr<Reduction>> &reductions() const { return reductions_; }
  const std::vector<std::shared_ptr<BufferedWrites>> &buffers() const { return buffers_; }

private:
  // Throws weft::Error unless map.scale is +1 or -1.
  static void check_map(const char *what, const RowMap &map);

  std::vector<Use> writes_;
  std::vector<Use> reads_;
  std::vector<std::shared_ptr<Reduction>> reductions_;
  std::vector<std::shared_ptr<BufferedWrites>> buffers_;
};

// One parallel loop under the memory model. The constructor (collective) prepares every
// array: written arrays move to the loop's layout (nothing moves if they already have
// it), read arrays get the rows the loop needs, accumulators get per-worker partials.
// finish() (collective) gives the written arrays their new layout (protected until the
// next serial access, or made whole at once where eager or where data() let a pointer to
// the storage escape; see distribution.h) and folds the accumulators. If the loop throws
// instead, the destructor marks the session failed: the processes may disagree about
// where they are, so the session ends the job (see session.h).
class LoopScope {
public:
  // write_layouts[i]: the layout of footprint.writes()[i] during and after the loop.
  // read_rows[i]: the rows footprint.reads()[i] needs here (sorted, unique), or nullptr
  // for the whole array; `read_layouts[i]`, if not null, a layout under which this process
  // already owns every row it reads (then nothing is fetched).
  LoopScope(Session &session, const char *executor, const Footprint &footprint,
            const std::vector<Layout> &write_layouts,
            const std::vector<const std::vector<std::int64_t> *> &read_rows,
            const std::vector<const Layout *> &read_layouts);
  ~LoopScope();
  LoopScope(const LoopScope &) = delete;
  LoopScope &operator=(const LoopScope &) = delete;

  void finish();

private:
  Session &session_;
  const Footprint &footprint_;
  std::vector<Layout> write_layouts_;
  bool finished_ = false;
};

// Runs f(block) for every block in [0, blocks) on the session's workers, setting
// detail::worker_index for the accumulators and buffers of the body.
template <class F> void for_each_block(Session &session, std::int64_t blocks, F &&f);

// Throws weft::Error "<executor>: <what>" (a misuse the generated code cannot make, but a
// hand-written call can).
[[noreturn]] void usage_error(const char *executor, const std::string &what);

// ---------------------------------------------------------------------------------------
// Entries of a SparseArray for this process.

// Per key dimension, the largest key + 1 over all processes' entries.
template <class T, std::size_t N>
std::array<std::int64_t, N> key_extents(Session &session, const weft::SparseArray<T, N> &a,
                                        bool sliced) {
  std::array<std::int64_t, N> extent{};
  for (const auto &e : weft::detail::RuntimeAccess::entries(a)) {
    for (std::size_t d = 0; d < N; ++d)
      extent[d] = std::max(extent[d], e.key[d] + 1);
  }
  if (sliced)
    session.transport().allreduce_max(extent.data(), static_cast<int>(N));
  return extent;
}

// Planning keeps one count per value of a partitioned key dimension, from 0 to its
// largest key, so its memory follows the key values rather than their number. The most
// values it counts: 2^24, four per entry, or the rows of the largest array the loop
// writes by that dimension, whichever is most.
inline std::int64_t planned_key_limit(std::size_t entries, std::int64_t written_rows) {
  return std::max({std::int64_t{1} << 24, 4 * static_cast<std::int64_t>(entries), written_rows});
}

// The arrays a loop writes by key dimension `dim`: the key extent their rows take
// (through their maps) and the most rows one of them has, whichever array each is of.
struct WrittenKeys {
  std::int64_t extent = 0, rows = 0;
};
WrittenKeys written_keys(const Footprint &footprint, int dim);

// Throws weft::Error (naming the executor, the dimension, the key and the limit) where
// `key` of dimension `dim` is at or past `limit`: keys far above zero (timestamps, hashed
// ids, ids from a base) that the body would index as key - base.
void check_planned_key(const char *executor, std::size_t dim, std::int64_t key, std::int64_t limit);

// How many entries have key[dim] == k, for k in [0, extent), over all processes.
template <class T, std::size_t N>
std::vector<std::int64_t> key_histogram(Session &session, const weft::SparseArray<T, N> &a,
                                        std::size_t dim, std::int64_t extent, bool sliced) {
  std::vector<std::int64_t> counts(static_cast<std::size_t>(extent), 0);
  for (const auto &e : weft::detail::RuntimeAccess::entries(a))
    ++counts[static_cast<std::size_t>(e.key[dim])];
  if (sliced)
    session.transport().allreduce_sum(counts.data(), static_cast<int>(counts.size()));
  return counts;
}

// The entries owner(e) assigns to this process, in their global order. A whole array is
// filtered here; a sliced one sends each entry to its owner (data traffic).
template <class T, std::size_t N, class Owner>
std::vector<weft::Entry<T, N>> entries_for_rank(Session &session, const weft::SparseArray<T, N> &a,
                                                bool sliced, Owner &&owner) {
  const auto &all = weft::detail::RuntimeAccess::entries(a);
  const int me = session.rank();
  std::vector<weft::Entry<T, N>> mine;
  if (!sliced) {
    std::size_t count = 0;
    for (const auto &e : all)
      count += owner(e) == me;
    mine.reserve(count);
    for (const auto &e : all) {
      if (owner(e) == me)
        mine.push_back(e);
    }
    return mine;
  }
  std::vector<std::vector<std::byte>> send(static_cast<std::size_t>(session.size()));
  for (const auto &e : all) {
    const auto *b = reinterpret_cast<const std::byte *>(&e);
    auto &out = send[static_cast<std::size_t>(owner(e))];
    out.insert(out.end(), b, b + sizeof e);
  }
  // Received in rank order, each slice in its order: the global order.
  for (const auto &bytes : session.transport().alltoallv(send)) {
    const std::size_t n = bytes.size() / sizeof(weft::Entry<T, N>);
    const std::size_t at = mine.size();
    mine.resize(at + n);
    if (n > 0)
      std::memcpy(mine.data() + at, bytes.data(), bytes.size());
  }
  return mine;
}

// Every entry (the default filter of distinct_rows).
struct EveryEntry {
  template <class E> bool operator()(const E &) const { return true; }
};

// Sorted distinct rows of its array that `use` names (key[use.key_dim] through use.map)
// among the entries in [first, last) that `keep` accepts; rows outside the array are left
// out (partitioning.h).
template <class It, class Keep = EveryEntry>
std::vector<std::int64_t> distinct_rows(It first, It last, const Footprint::Use &use,
                                        Keep keep = Keep()) {
  std::vector<std::int64_t> rows;
  for (It it = first; it != last; ++it) {
    if (!keep(*it))
      continue;
    const std::int64_t row = use.map.row(it->key[static_cast<std::size_t>(use.key_dim)]);
    if (row >= 0 && row < use.handle.geometry.rows)
      rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  return rows;
}

// The smallest and largest key per dimension among entries (lo > hi where there are none).
struct KeyBounds {
  std::vector<std::int64_t> lo, hi;
};

// Among the entries in [first, last) that `keep` accepts.
template <class It, class Keep = EveryEntry>
KeyBounds key_bounds(It first, It last, std::size_t rank, Keep keep = Keep()) {
  KeyBounds b{std::vector<std::int64_t>(rank, INT64_MAX),
              std::vector<std::int64_t>(rank, INT64_MIN)};
  for (It it = first; it != last; ++it) {
    if (!keep(*it))
      continue;
    for (std::size_t d = 0; d < rank; ++d) {
      b.lo[d] = std::min(b.lo[d], it->key[d]);
      b.hi[d] = std::max(b.hi[d], it->key[d]);
    }
  }
  return b;
}

// For each read of `footprint`, the sorted distinct rows of its array that its key names
// among the entries [first, last) of this process (empty for a read of the whole array).
template <class It>
std::vector<std::vector<std::int64_t>> keyed_read_rows(const Footprint &footprint, It first,
                                                       It last) {
  std::vector<std::vector<std::int64_t>> rows;
  for (const auto &r : footprint.reads())
    rows.push_back(r.key_dim >= 0 ? distinct_rows(first, last, r) : std::vector<std::int64_t>{});
  return rows;
}

// ---------------------------------------------------------------------------------------

template <class F> void for_each_block(Session &session, std::int64_t blocks, F &&f) {
  if (blocks <= 0)
    return;
  if (blocks == 1 || session.threads() == 1) {
    // One worker: the main thread runs the blocks in order.
    weft::detail::worker_index = 0;
    for (std::int64_t b = 0; b < blocks; ++b)
      f(b);
    return;
  }
  session.arena().execute([&] {
    oneapi::tbb::parallel_for(
        oneapi::tbb::blocked_range<std::int64_t>(0, blocks, 1),
        [&f](const oneapi::tbb::blocked_range<std::int64_t> &r) {
          weft::detail::worker_index =
              std::max(0, oneapi::tbb::this_task_arena::current_thread_index());
          for (std::int64_t b = r.begin(); b != r.end(); ++b)
            f(b);
        },
        oneapi::tbb::simple_partitioner());
  });
}

} // namespace weft::rt
