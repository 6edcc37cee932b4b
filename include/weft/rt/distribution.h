// weft/rt/distribution.h — the memory model (docs/design.md, "Memory model"), for DistArrays.
//
// Every process stores every DistArray whole (replicated storage). A parallel loop gives
// each process ownership of the parts it writes; afterwards only the owner's copy of a
// part is current, and the array's Layout says which process owns which part. Serial
// code must see the array whole, so the first serial access afterwards materializes it
// (every process sends the parts it owns to every other: an allgather); a following loop
// whose layout is the same moves no data at all.
//
// Why replicated storage: serial code (initialization, evaluation, output) keeps its
// meaning and its speed without translation of indices, an executor needs no index
// mapping either (a row keeps its address on every process), and making an array whole
// or moving a part to a new owner is a copy into the same addresses. The cost is memory:
// each process holds every array (the models weft targets fit one node's memory; the
// data, SparseArrays, are partitioned).
//
// How the first serial access is caught: the runtime keeps the pages of a partitioned
// array inaccessible (mprotect) and materializes it in the fault handler of the first
// access, which then retries (page-based software DSM, as in IVY and TreadMarks). The
// element access itself stays a plain load or store, in serial and parallel programs
// alike (see detail::Residency in weft.h for why a branch there was too slow). Calls
// that use the storage as a whole (data(), fill, randomize, copies) materialize first
// explicitly.
//
// Escaped storage: a pointer from data() may outlive the call, be kept across loops and
// reach code that the fault cannot serve: a system call (write, read, fwrite's direct
// write) fails with EFAULT on a protected page, and foreign code may touch it from a
// thread of its own. So data() marks the array escaped (detail::Residency::escaped, for
// good), and ArrayRecord::finish makes an escaped array whole at the end of every loop
// instead of protecting it: outside loops an escaped array is always whole, current and
// unprotected on every process. What serial code writes through the pointer (itself or
// by a system call) lands in the copy of every process, since every process runs it, and
// the next loop starts from those copies (a whole array moves nothing at a loop's start).
//
// Options::lazy_materialize = false (--weft-materialize=eager, the default) materializes
// every array at the end of every loop; so does a system whose pages are larger than
// detail::kPageBytes.
//
// Debugging a parallel program under gdb: `handle SIGSEGV nostop noprint pass`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "weft/rt/partitioning.h"
#include "weft/rt/session.h"
#include "weft/weft.h"

namespace weft::rt {

// The storage of an N-dimensional DistArray as the runtime sees it: rows (dimension 0)
// x cols (dimension 1; 1 for N = 1) x cells of cell_bytes (the remaining dimensions and
// the element size), row-major.
struct Geometry {
  std::int64_t rows = 0;
  std::int64_t cols = 1;
  std::int64_t cell_bytes = 0;

  std::int64_t row_bytes() const { return cols * cell_bytes; }
  std::int64_t bytes() const { return rows * row_bytes(); }
};

// Rows [row_begin, row_end) x cols [col_begin, col_end) of an array, current at `owner`.
struct Tile {
  std::int64_t row_begin = 0;
  std::int64_t row_end = 0;
  std::int64_t col_begin = 0;
  std::int64_t col_end = 0;
  int owner = 0;

  std::int64_t rows() const { return row_end - row_begin; }
  std::int64_t cols() const { return col_end - col_begin; }
  bool empty() const { return row_end <= row_begin || col_end <= col_begin; }
  bool operator==(const Tile &o) const {
    return row_begin == o.row_begin && row_end == o.row_end && col_begin == o.col_begin &&
           col_end == o.col_end && owner == o.owner;
  }
};

// Which process holds the current values of which part of an array. No tiles: every
// process holds all of it (the array is whole). Otherwise the tiles are disjoint, each
// part of the array in a tile is current only at the tile's owner, and a part in no
// tile is current everywhere.
struct Layout {
  std::vector<Tile> tiles;

  bool whole() const { return tiles.empty(); }
  bool operator==(const Layout &o) const { return tiles == o.tiles; }
  bool operator!=(const Layout &o) const { return !(*this == o); }
};

// Rows [bounds[k], bounds[k + 1]) owned by owners[k], all columns; empty ranges skipped.
Layout row_layout(const std::vector<std::int64_t> &bounds, const std::vector<int> &owners,
                  std::int64_t cols);
// Rows parts[k] (disjoint) owned by owners[k], all columns, as tiles in row order (so
// that equal ownership gives equal layouts); empty ranges skipped.
Layout row_layout(const std::vector<RowRange> &parts, const std::vector<int> &owners,
                  std::int64_t cols);

// A DistArray seen without its element type: what the runtime needs to move its bytes.
struct ArrayHandle {
  weft::detail::Residency *residency = nullptr;
  std::byte *storage = nullptr;
  std::int64_t capacity_bytes = 0; // storage rounded up to whole pages
  Geometry geometry;
  std::string shape; // "(1000, 16)", for messages
};

template <class T, std::size_t N> ArrayHandle handle_of(weft::DistArray<T, N> &a) {
  static_assert(std::is_trivially_copyable_v<T>,
                "weft::rt: DistArray elements must be trivially copyable");
  ArrayHandle h;
  h.residency = &weft::detail::RuntimeAccess::residency(a);
  h.storage = reinterpret_cast<std::byte *>(weft::detail::RuntimeAccess::storage(a));
  const auto &shape = a.shape();
  h.geometry.rows = shape[0];
  h.geometry.cols = N >= 2 ? shape[N >= 2 ? 1 : 0] : 1;
  std::int64_t cell = static_cast<std::int64_t>(sizeof(T));
  for (std::size_t d = 2; d < N; ++d)
    cell *= shape[d];
  h.geometry.cell_bytes = cell;
  h.capacity_bytes = static_cast<std::int64_t>(
      weft::detail::PageAllocator<T>::rounded_bytes(static_cast<std::size_t>(a.size())));
  h.shape = weft::detail::format_tuple(shape);
  return h;
}

// The runtime's record of one partitioned DistArray (held by the array's Residency).
class ArrayRecord final : public weft::detail::Distribution, public SessionObserver {
public:
  ArrayRecord(Session &session, const ArrayHandle &handle);
  ~ArrayRecord() override;
  ArrayRecord(const ArrayRecord &) = delete;
  ArrayRecord &operator=(const ArrayRecord &) = delete;

  // From the array's explicit checks (data(), fill, ...): make this copy whole.
  void materialize(void *array) override;
  void session_ended() override;

  Session *session() const { return session_; }
  const Layout &layout() const { return layout_; }
  const Geometry &geometry() const { return geometry_; }
  const std::string &shape() const { return shape_; }

  // Collective: every process gets every part current (allgather of the owned tiles).
  void make_whole();
  // Collective, before a loop that needs `needed`: moves each part of the current
  // layout's tiles to its owner under `needed` (or makes the array whole when `needed`
  // does not cover the current tiles). Moves nothing if the layouts are equal.
  void prepare(const Layout &needed);
  // Collective, before a loop that reads rows `rows` (sorted, unique) of this array
  // without owning them: copies those rows from their owners; the layout stays.
  void fetch_rows(const std::vector<std::int64_t> &rows);
  // Collective, after a loop: the array's layout is now `result`. Lazy: protect the pages
  // and mark the array (whose Residency is `residency`) pending; eager, or an array whose
  // storage escaped (residency.escaped): make it whole now.
  void finish(const Layout &result, weft::detail::Residency &residency);
  // Gives this process access to the storage for a loop (undoes protection).
  void open_for_loop();
  // Every process has just written the whole array (a restart): it is whole, with no
  // communication.
  void declare_whole();
  // Calls read() with this process's copy readable, also where its pages are protected
  // (a checkpoint writes the parts this process owns), then protects them again; the
  // layout does not change.
  template <class Read> void read_storage(Read &&read) {
    const bool was_protected = protected_;
    unprotect();
    try {
      read();
    } catch (...) {
      if (was_protected)
        protect();
      throw;
    }
    if (was_protected)
      protect();
  }

  // Called by the fault handler (main thread, serial code).
  void materialize_after_fault();

private:
  void require_session(const char *what) const;
  void protect();
  void unprotect();
  std::byte *at(std::int64_t row, std::int64_t col) const {
    return storage_ + row * geometry_.row_bytes() + col * geometry_.cell_bytes;
  }
  void pack(const Tile &t, std::vector<std::byte> &out) const;
  const std::byte *unpack(const Tile &t, const std::byte *in);

  Session *session_;
  std::byte *storage_;
  std::int64_t capacity_bytes_;
  Geometry geometry_;
  std::string shape_;
  Layout layout_;
  bool protected_ = false;
};

// The record of the array behind `handle` for `session`, made on first use. Throws if the
// array is partitioned over another session.
ArrayRecord &record_of(Session &session, const ArrayHandle &handle);

// Collective, before the first loop over the array in `session` (nothing after): every
// process's copy must hold the same bytes, since serial code runs on every process and
// each loop starts from the copies. Serial code that read something that differs
// between processes (std::random_device, the clock, the process id, a file only some
// processes read) makes them differ, and no serial order of the loop computes what the
// processes would then compute: every process throws the same weft::Error instead.
void check_same_everywhere(Session &session, const ArrayHandle &handle);
// The record if the array has one, else nullptr.
ArrayRecord *existing_record(const ArrayHandle &handle);

// The bytes of an array that one process owns in `layout` (0 for a whole array).
std::int64_t owned_bytes(const Layout &layout, const Geometry &g, int rank);

} // namespace weft::rt
