// Layouts of DistArrays and their moves: making an array whole, moving parts to new
// owners, copying rows for reads (see include/weft/rt/distribution.h).
#include "weft/rt/distribution.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <utility>

#include "page_guard.h"

namespace weft::rt {
namespace {

Tile intersect(const Tile &a, const Tile &b) {
  Tile t;
  t.row_begin = std::max(a.row_begin, b.row_begin);
  t.row_end = std::min(a.row_end, b.row_end);
  t.col_begin = std::max(a.col_begin, b.col_begin);
  t.col_end = std::min(a.col_end, b.col_end);
  return t;
}

std::int64_t area(const Tile &t) { return t.empty() ? 0 : t.rows() * t.cols(); }

// Every tile of `current` lies within the union of `needed`'s tiles (which are
// disjoint, so the areas of the intersections add up).
bool covers(const Layout &needed, const Layout &current) {
  for (const Tile &c : current.tiles) {
    std::int64_t covered = 0;
    for (const Tile &n : needed.tiles)
      covered += area(intersect(c, n));
    if (covered != area(c))
      return false;
  }
  return true;
}

} // namespace

Layout row_layout(const std::vector<std::int64_t> &bounds, const std::vector<int> &owners,
                  std::int64_t cols) {
  Layout l;
  for (std::size_t k = 0; k + 1 < bounds.size(); ++k) {
    if (bounds[k + 1] > bounds[k])
      l.tiles.push_back(Tile{bounds[k], bounds[k + 1], 0, cols, owners[k]});
  }
  return l;
}

Layout row_layout(const std::vector<RowRange> &parts, const std::vector<int> &owners,
                  std::int64_t cols) {
  Layout l;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (parts[k].end > parts[k].begin)
      l.tiles.push_back(Tile{parts[k].begin, parts[k].end, 0, cols, owners[k]});
  }
  std::sort(l.tiles.begin(), l.tiles.end(),
            [](const Tile &a, const Tile &b) { return a.row_begin < b.row_begin; });
  return l;
}

std::int64_t owned_bytes(const Layout &layout, const Geometry &g, int rank) {
  std::int64_t bytes = 0;
  for (const Tile &t : layout.tiles) {
    if (t.owner == rank)
      bytes += area(t) * g.cell_bytes;
  }
  return bytes;
}

ArrayRecord::ArrayRecord(Session &session, const ArrayHandle &handle)
    : session_(&session), storage_(handle.storage), capacity_bytes_(handle.capacity_bytes),
      geometry_(handle.geometry), shape_(handle.shape) {
  session_->add_observer(this);
}

ArrayRecord::~ArrayRecord() {
  unprotect();
  if (session_)
    session_->remove_observer(this);
}

void ArrayRecord::session_ended() { session_ = nullptr; }

void ArrayRecord::require_session(const char *what) const {
  if (session_ == nullptr) {
    throw weft::Error(std::string("weft::rt: ") + what + " of the DistArray of shape " + shape_ +
                      " after its Session ended");
  }
}

void ArrayRecord::protect() {
  if (protected_ || capacity_bytes_ == 0)
    return;
  protect_pages(storage_, capacity_bytes_, this);
  protected_ = true;
}

void ArrayRecord::unprotect() {
  if (!protected_)
    return;
  unprotect_pages(storage_, capacity_bytes_);
  protected_ = false;
}

void ArrayRecord::open_for_loop() { unprotect(); }

void ArrayRecord::declare_whole() {
  unprotect();
  layout_ = Layout{};
}

void ArrayRecord::materialize(void *) {
  if (layout_.whole()) {
    unprotect();
    return;
  }
  make_whole();
}

void ArrayRecord::materialize_after_fault() { make_whole(); }

void ArrayRecord::pack(const Tile &t, std::vector<std::byte> &out) const {
  const std::int64_t run = t.cols() * geometry_.cell_bytes;
  for (std::int64_t r = t.row_begin; r < t.row_end; ++r) {
    const std::byte *from = at(r, t.col_begin);
    out.insert(out.end(), from, from + run);
  }
}

const std::byte *ArrayRecord::unpack(const Tile &t, const std::byte *in) {
  const std::int64_t run = t.cols() * geometry_.cell_bytes;
  for (std::int64_t r = t.row_begin; r < t.row_end; ++r) {
    std::memcpy(at(r, t.col_begin), in, static_cast<std::size_t>(run));
    in += run;
  }
  return in;
}

void ArrayRecord::make_whole() {
  require_session("making whole");
  RuntimeSection section;
  unprotect();
  if (layout_.whole())
    return;
  Transport &net = session_->transport();
  const int p = net.size();
  const int me = net.rank();

  // When every process owns a single run of contiguous bytes (whole rows, consecutive),
  // the allgather works in place, without packing.
  std::vector<std::int64_t> counts(static_cast<std::size_t>(p), 0),
      displs(static_cast<std::size_t>(p), 0);
  std::vector<int> runs(static_cast<std::size_t>(p), 0);
  bool contiguous = true;
  for (const Tile &t : layout_.tiles) {
    if (t.empty())
      continue;
    const std::int64_t begin = (at(t.row_begin, t.col_begin) - storage_);
    const std::int64_t bytes = area(t) * geometry_.cell_bytes;
    const bool full_rows = t.col_begin == 0 && t.col_end == geometry_.cols;
    if (!full_rows && t.rows() > 1)
      contiguous = false;
    if (runs[t.owner] == 0) {
      displs[t.owner] = begin;
      counts[t.owner] = bytes;
    } else if (displs[t.owner] + counts[t.owner] == begin) {
      counts[t.owner] += bytes;
    } else {
      contiguous = false;
    }
    ++runs[t.owner];
  }
  if (contiguous) {
    net.allgatherv_in_place(storage_, counts, displs);
  } else {
    std::vector<std::byte> mine;
    mine.reserve(static_cast<std::size_t>(owned_bytes(layout_, geometry_, me)));
    for (const Tile &t : layout_.tiles) {
      if (t.owner == me)
        pack(t, mine);
    }
    std::vector<std::int64_t> got;
    const std::vector<std::byte> all =
        net.allgatherv(mine.data(), static_cast<std::int64_t>(mine.size()), got);
    // Process q's tiles, in layout order, start at the sum of the earlier counts.
    std::vector<const std::byte *> cursor(static_cast<std::size_t>(p));
    std::int64_t offset = 0;
    for (int q = 0; q < p; ++q) {
      cursor[q] = all.data() + offset;
      offset += got[q];
    }
    for (const Tile &t : layout_.tiles) {
      if (t.owner != me)
        cursor[t.owner] = unpack(t, cursor[t.owner]);
    }
  }
  layout_ = Layout{};
}

void ArrayRecord::prepare(const Layout &needed) {
  require_session("a parallel loop");
  RuntimeSection section;
  unprotect();
  if (layout_.whole() || layout_ == needed)
    return;
  if (needed.whole() || !covers(needed, layout_)) {
    make_whole();
    return;
  }
  // Each part of a current tile (owner a) that a needed tile gives to b != a moves from
  // a to b. Both sides enumerate the pairs in the same order (needed tile, then current
  // tile), so the receiver unpacks what the sender packed, in order.
  Transport &net = session_->transport();
  const int me = net.rank();
  std::vector<std::vector<std::byte>> send(static_cast<std::size_t>(net.size()));
  for (const Tile &n : needed.tiles) {
    for (const Tile &c : layout_.tiles) {
      const Tile part = intersect(n, c);
      if (part.empty() || c.owner == n.owner || c.owner != me)
        continue;
      pack(part, send[n.owner]);
    }
  }
  const std::vector<std::vector<std::byte>> received = net.alltoallv(send);
  std::vector<const std::byte *> cursor(received.size());
  for (std::size_t q = 0; q < received.size(); ++q)
    cursor[q] = received[q].data();
  for (const Tile &n : needed.tiles) {
    if (n.owner != me)
      continue;
    for (const Tile &c : layout_.tiles) {
      const Tile part = intersect(n, c);
      if (part.empty() || c.owner == me)
        continue;
      cursor[c.owner] = unpack(part, cursor[c.owner]);
    }
  }
  layout_ = needed;
}

void ArrayRecord::fetch_rows(const std::vector<std::int64_t> &rows) {
  require_session("reading rows");
  RuntimeSection section;
  unprotect();
  Transport &net = session_->transport();
  const int p = net.size();
  const int me = net.rank();
  // Requests: for each tile owned elsewhere, the wanted rows inside it (as int64s).
  std::vector<std::vector<std::byte>> requests(static_cast<std::size_t>(p));
  std::vector<std::vector<std::pair<std::size_t, std::int64_t>>> asked(static_cast<std::size_t>(p));
  for (std::size_t k = 0; k < layout_.tiles.size(); ++k) {
    const Tile &t = layout_.tiles[k];
    if (t.owner == me || t.empty())
      continue;
    auto first = std::lower_bound(rows.begin(), rows.end(), t.row_begin);
    auto last = std::lower_bound(rows.begin(), rows.end(), t.row_end);
    for (auto it = first; it != last; ++it) {
      const std::int64_t req[2] = {static_cast<std::int64_t>(k), *it};
      const auto *b = reinterpret_cast<const std::byte *>(req);
      requests[t.owner].insert(requests[t.owner].end(), b, b + sizeof req);
      asked[t.owner].emplace_back(k, *it);
    }
  }
  const std::vector<std::vector<std::byte>> incoming = net.alltoallv(requests, Kind::Control);
  std::vector<std::vector<std::byte>> replies(static_cast<std::size_t>(p));
  for (int q = 0; q < p; ++q) {
    const auto *req = reinterpret_cast<const std::int64_t *>(incoming[q].data());
    const std::size_t n = incoming[q].size() / (2 * sizeof(std::int64_t));
    for (std::size_t i = 0; i < n; ++i) {
      const Tile &t = layout_.tiles[static_cast<std::size_t>(req[2 * i])];
      const std::int64_t row = req[2 * i + 1];
      pack(Tile{row, row + 1, t.col_begin, t.col_end, t.owner}, replies[q]);
    }
  }
  const std::vector<std::vector<std::byte>> answers = net.alltoallv(replies);
  for (int q = 0; q < p; ++q) {
    const std::byte *in = answers[q].data();
    for (const auto &[k, row] : asked[q]) {
      const Tile &t = layout_.tiles[k];
      in = unpack(Tile{row, row + 1, t.col_begin, t.col_end, t.owner}, in);
    }
  }
}

void ArrayRecord::finish(const Layout &result, weft::detail::Residency &residency) {
  layout_ = result;
  if (layout_.whole())
    return;
  // Lazy only while every access to the storage comes from serial user code: an element
  // access, whose fault materializes, or a call that materializes first. The user of an
  // escaped pointer may be a system call, which fails on a protected page (EFAULT)
  // instead of faulting, or foreign code, which may fault on a thread of its own or while
  // it holds a lock of libc, where the handler cannot make the collective calls. So an
  // escaped array is made whole here. Every process takes the same branch: `escaped` is
  // set by data(), a serial call that every process makes.
  if (!residency.escaped && session_->options().lazy_materialize && page_protection_available()) {
    protect();
    residency.pending = this;
  } else {
    make_whole();
    residency.pending = nullptr;
  }
}

ArrayRecord *existing_record(const ArrayHandle &handle) {
  return dynamic_cast<ArrayRecord *>(handle.residency->record.get());
}

namespace {

// A 64-bit FNV-1a hash of `bytes` bytes, eight at a time (the tail byte by byte).
std::uint64_t hash_bytes(const std::byte *data, std::int64_t bytes) {
  std::uint64_t h = 14695981039346656037ull;
  std::int64_t at = 0;
  for (; at + 8 <= bytes; at += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + at, 8);
    h = (h ^ word) * 1099511628211ull;
  }
  for (; at < bytes; ++at)
    h = (h ^ static_cast<std::uint64_t>(data[at])) * 1099511628211ull;
  return h;
}

} // namespace

void check_same_everywhere(Session &session, const ArrayHandle &handle) {
  ArrayRecord *record = existing_record(handle);
  // Already checked in this session, or partitioned by another one (record_of refuses).
  if (session.size() == 1 || (record != nullptr && record->session() == &session) ||
      (record != nullptr && !record->layout().whole()))
    return;
  const std::uint64_t h = hash_bytes(handle.storage, handle.geometry.bytes());
  std::int64_t low = static_cast<std::int64_t>(h), high = low;
  session.transport().allreduce_min(&low, 1);
  session.transport().allreduce_max(&high, 1);
  if (low != high) {
    throw weft::Error(
        "weft::rt: the DistArray of shape " + handle.shape +
        " holds different values on different processes before its first parallel loop: "
        "every process runs the serial code that filled it, and something it read differs "
        "between processes (std::random_device, the time, the process id, a file that only "
        "some processes can read); seed from a constant or from a value every process "
        "computes alike");
  }
}

ArrayRecord &record_of(Session &session, const ArrayHandle &handle) {
  ArrayRecord *record = existing_record(handle);
  if (record != nullptr && record->session() == &session)
    return *record;
  if (record != nullptr && !record->layout().whole()) {
    throw weft::Error(
        "weft::rt: the DistArray of shape " + handle.shape +
        " is partitioned over another session's processes; make it whole there first");
  }
  handle.residency->pending = nullptr;
  handle.residency->record = std::make_unique<ArrayRecord>(session, handle);
  return static_cast<ArrayRecord &>(*handle.residency->record);
}

} // namespace weft::rt
