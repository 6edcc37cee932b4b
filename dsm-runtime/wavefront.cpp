// wavefront: the schedule of one process and its halo exchange.
#include "weft/rt/wavefront.h"

#include <cstring>

namespace weft::rt::wavefront_detail {

Plan::Plan(Session& session, const Wavefront& space, const Footprint& footprint)
    : session_(session), space_(space) {
  if (space.halo_rows < 0 || space.halo_cols < 0) usage_error("wavefront", "halo sizes must not be negative");
  for (const auto& w : footprint.writes()) {
    if (w.key_dim != 0) usage_error("wavefront", "written arrays are indexed by the loop indices: use write(A, 0)");
    if (w.handle.geometry.rows < space.rows.end || w.handle.geometry.cols < space.cols.end) {
      usage_error("wavefront", "the DistArray of shape " + w.handle.shape + " is smaller than the iteration space");
    }
    arrays_.push_back(w.handle);
    // Partitioned now (the same on every process: layouts change collectively), so the
    // copies of other processes' columns may be stale once the loop starts.
    const ArrayRecord* record = existing_record(w.handle);
    if (space.halo_cols > 0 && record != nullptr && !record->layout().whole()) stale_.push_back(w.handle);
  }
  const std::int64_t rows = std::max<std::int64_t>(0, space.rows.end - space.rows.begin);
  const std::int64_t cols = std::max<std::int64_t>(0, space.cols.end - space.cols.begin);
  const int p = session.size(), me = session.rank();
  // Each process with columns needs at least halo_cols of them, so that its right
  // neighbour's halo comes from one process: fewer processes work on narrow nests.
  int working = p;
  if (space.halo_cols > 0) working = static_cast<int>(std::min<std::int64_t>(p, std::max<std::int64_t>(1, cols / space.halo_cols)));
  col_bounds_ = range_bounds(cols, working);
  col_bounds_.resize(static_cast<std::size_t>(p) + 1, cols);
  for (auto& b : col_bounds_) b += space.cols.begin;
  const auto has_cols = [&](int q) { return q >= 0 && q < p && col_bounds_[q + 1] > col_bounds_[q] && rows > 0; };
  active_ = has_cols(me);
  left_ = has_cols(me - 1) ? me - 1 : -1;
  right_ = has_cols(me + 1) ? me + 1 : -1;

  for (const ArrayHandle& a : arrays_) {
    Layout l;
    for (int q = 0; q < p; ++q) {
      if (has_cols(q)) l.tiles.push_back(Tile{space.rows.begin, space.rows.end, col_bounds_[q], col_bounds_[q + 1], q});
    }
    (void)a;
    layouts_.push_back(l);
  }
  if (!active_) return;

  // Bands: one per worker (inside a process a tile may read any earlier tile).
  const std::int64_t my_cols = col_bounds_[me + 1] - col_bounds_[me];
  bands_ = std::min<std::int64_t>(session.threads(), my_cols);
  band_bounds_ = range_bounds(my_cols, static_cast<int>(bands_));
  for (auto& b : band_bounds_) b += col_bounds_[me];
  // Row blocks, the same on every process (they match halo messages): short enough that
  // the pipeline over processes and bands fills quickly (about 8 blocks per stage), long
  // enough that a halo message carries many rows.
  const std::int64_t stages = static_cast<std::int64_t>(working) * session.threads();
  block_rows_ = std::max<std::int64_t>({1, space.halo_rows, rows / (8 * stages)});
  row_blocks_ = (rows + block_rows_ - 1) / block_rows_;
}

IndexRange Plan::tile_rows(std::int64_t block) const {
  const std::int64_t b = space_.rows.begin + block * block_rows_;
  return IndexRange{b, std::min(space_.rows.end, b + block_rows_)};
}

IndexRange Plan::tile_cols(std::int64_t band) const { return IndexRange{band_bounds_[band], band_bounds_[band + 1]}; }

namespace {

// The tag of the message with the columns that anti dependences read (block halos use
// tags 0 to 29999; it goes the other way, to the left neighbour, too).
constexpr int kAheadTag = 30000;

// Copies rows [r.begin, r.end) x cols [c0, c0 + width) of every array to/from a buffer.
void copy_halo(const std::vector<ArrayHandle>& arrays, IndexRange r, std::int64_t c0, std::int64_t width,
               std::byte* buffer, bool into_array) {
  for (const ArrayHandle& a : arrays) {
    const std::int64_t run = width * a.geometry.cell_bytes;
    for (std::int64_t i = r.begin; i < r.end; ++i) {
      std::byte* cell = a.storage + i * a.geometry.row_bytes() + c0 * a.geometry.cell_bytes;
      if (into_array) {
        std::memcpy(cell, buffer, static_cast<std::size_t>(run));
      } else {
        std::memcpy(buffer, cell, static_cast<std::size_t>(run));
      }
      buffer += run;
    }
  }
}

std::int64_t halo_bytes(const std::vector<ArrayHandle>& arrays, std::int64_t rows, std::int64_t width) {
  std::int64_t bytes = 0;
  for (const ArrayHandle& a : arrays) bytes += rows * width * a.geometry.cell_bytes;
  return bytes;
}

}  // namespace

void Plan::start() {
  incoming_.resize(static_cast<std::size_t>(row_blocks_));
  outgoing_.resize(static_cast<std::size_t>(row_blocks_));
  receives_.resize(static_cast<std::size_t>(row_blocks_));
  sends_.resize(static_cast<std::size_t>(row_blocks_));
  // Before this process writes anything: its first halo_cols columns, with the values
  // from before the loop, to the left neighbour, which reads them (anti dependences)
  // while this process overwrites them. Arrays that were whole need none of this.
  if (!stale_.empty()) {
    const std::int64_t bytes = halo_bytes(stale_, space_.rows.end - space_.rows.begin, space_.halo_cols);
    if (left_ >= 0) {
      ahead_outgoing_.resize(static_cast<std::size_t>(bytes));
      copy_halo(stale_, space_.rows, col_bounds_[session_.rank()], space_.halo_cols, ahead_outgoing_.data(),
                /*into_array*/ false);
      ahead_send_ = session_.transport().isend(ahead_outgoing_.data(), bytes, left_, kAheadTag);
    }
    if (right_ >= 0) {
      ahead_incoming_.resize(static_cast<std::size_t>(bytes));
      ahead_receive_ = session_.transport().irecv(ahead_incoming_.data(), bytes, right_, kAheadTag);
    }
  }
  if (left_ < 0 || space_.halo_cols == 0) return;
  for (std::int64_t b = 0; b < row_blocks_; ++b) {
    const IndexRange r = tile_rows(b);
    auto& buffer = incoming_[static_cast<std::size_t>(b)];
    buffer.resize(static_cast<std::size_t>(halo_bytes(arrays_, r.end - r.begin, space_.halo_cols)));
    receives_[static_cast<std::size_t>(b)] =
        session_.transport().irecv(buffer.data(), static_cast<std::int64_t>(buffer.size()), left_, static_cast<int>(b % 30000));
  }
}

void Plan::before_wave(std::int64_t wave) {
  // Only the last band reads right of this process's columns; it first runs in wave
  // bands - 1. The right neighbour sent the columns before it wrote any of them.
  if (wave == bands_ - 1 && right_ >= 0 && !stale_.empty()) {
    session_.transport().wait(ahead_receive_);
    copy_halo(stale_, space_.rows, col_bounds_[session_.rank() + 1], space_.halo_cols, ahead_incoming_.data(),
              /*into_array*/ true);
    std::vector<std::byte>().swap(ahead_incoming_);
  }
  // The first band of row block `wave` reads the halo columns of those rows.
  if (left_ < 0 || space_.halo_cols == 0 || wave >= row_blocks_) return;
  const std::size_t b = static_cast<std::size_t>(wave);
  session_.transport().wait(receives_[b]);
  copy_halo(arrays_, tile_rows(wave), col_bounds_[session_.rank()] - space_.halo_cols, space_.halo_cols,
            incoming_[b].data(), /*into_array*/ true);
  std::vector<std::byte>().swap(incoming_[b]);
}

void Plan::after_wave(std::int64_t wave) {
  // The last band finished row block wave - (bands - 1): its last columns go right.
  const std::int64_t block = wave - (bands_ - 1);
  if (right_ < 0 || space_.halo_cols == 0 || block < 0 || block >= row_blocks_) return;
  const IndexRange r = tile_rows(block);
  auto& buffer = outgoing_[static_cast<std::size_t>(block)];
  buffer.resize(static_cast<std::size_t>(halo_bytes(arrays_, r.end - r.begin, space_.halo_cols)));
  copy_halo(arrays_, r, col_bounds_[session_.rank() + 1] - space_.halo_cols, space_.halo_cols, buffer.data(),
            /*into_array*/ false);
  sends_[static_cast<std::size_t>(block)] = session_.transport().isend(
      buffer.data(), static_cast<std::int64_t>(buffer.size()), right_, static_cast<int>(block % 30000));
}

void Plan::progress() {
  session_.transport().poll(sends_);
  session_.transport().poll(receives_);
}

void Plan::finish() {
  session_.transport().wait(ahead_send_);
  session_.transport().wait_all(sends_);
  session_.transport().wait_all(receives_);
}

}  // namespace weft::rt::wavefront_detail
