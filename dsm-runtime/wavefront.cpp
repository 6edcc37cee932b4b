// wavefront: the schedule of one process and its halo exchange.
#include "weft/rt/wavefront.h"

#include <cstring>

namespace weft::rt::wavefront_detail {

namespace {

// The tags of the messages with the columns that anti dependences read (block halos use
// tags 0 to 29999 in both directions; a pair of processes tells them apart by sender).
constexpr int kAheadTag = 30000;
constexpr int kBehindTag = 30001;

std::int64_t halo_bytes(const std::vector<ArrayHandle> &arrays, std::int64_t rows,
                        std::int64_t width) {
  std::int64_t bytes = 0;
  for (const ArrayHandle &a : arrays)
    bytes += rows * width * a.geometry.cell_bytes;
  return bytes;
}

} // namespace

Plan::Plan(Session &session, const Wavefront &space, const Footprint &footprint)
    : session_(session), space_(space), row_up_(space.row_order == Order::Ascending),
      col_up_(space.col_order == Order::Ascending) {
  if (space.halo_rows < 0 || space.halo_cols < 0 || space.skew_cols < 0) {
    usage_error("wavefront", "halo sizes must not be negative");
  }
  const bool skewed = space.skew_cols > 0;
  for (const auto &w : footprint.writes()) {
    // The tiles are rows and columns of the iteration space itself: no RowMap.
    if (w.key_dim != 0 || w.map != RowMap{}) {
      usage_error("wavefront", "written arrays are indexed by the loop indices: use write(A, 0)");
    }
    if (w.handle.geometry.rows < space.rows.end || w.handle.geometry.cols < space.cols.end) {
      usage_error("wavefront", "the DistArray of shape " + w.handle.shape +
                                   " is smaller than the iteration space");
    }
    arrays_.push_back(w.handle);
    // Partitioned now (the same on every process: layouts change collectively), so the
    // copies of other processes' columns may be stale once the loop starts.
    const ArrayRecord *record = existing_record(w.handle);
    if ((space.halo_cols > 0 || skewed) && record != nullptr && !record->layout().whole()) {
      stale_.push_back(w.handle);
    }
  }
  const std::int64_t rows = std::max<std::int64_t>(0, space.rows.end - space.rows.begin);
  const std::int64_t cols = std::max<std::int64_t>(0, space.cols.end - space.cols.begin);
  const int p = session.size(), me = session.rank();
  // Each process with columns needs at least as many as a halo reaches, so that a
  // neighbour's halo comes from one process: fewer processes work on narrow nests.
  const std::int64_t reach = std::max(space.halo_cols, space.skew_cols);
  int working = p;
  if (reach > 0)
    working = static_cast<int>(std::min<std::int64_t>(p, std::max<std::int64_t>(1, cols / reach)));
  col_bounds_ = range_bounds(cols, working);
  col_bounds_.resize(static_cast<std::size_t>(p) + 1, cols);
  const auto has_cols = [&](int q) {
    return q >= 0 && q < p && col_bounds_[q + 1] > col_bounds_[q] && rows > 0;
  };
  active_ = has_cols(me);
  left_ = has_cols(me - 1) ? me - 1 : -1;
  right_ = has_cols(me + 1) ? me + 1 : -1;

  for (std::size_t a = 0; a < arrays_.size(); ++a) {
    Layout l;
    for (int q = 0; q < p; ++q) {
      if (!has_cols(q))
        continue;
      const std::int64_t width = col_bounds_[q + 1] - col_bounds_[q];
      const std::int64_t first = first_col_at(col_bounds_[q], width);
      l.tiles.push_back(Tile{space.rows.begin, space.rows.end, first, first + width, q});
    }
    layouts_.push_back(l);
  }
  if (!active_)
    return;

  // Bands: one per worker (inside a process a tile may read any earlier tile); with skew
  // each at least skew_cols wide, so that a tile reads only the next band to its right.
  const std::int64_t my_cols = col_bounds_[me + 1] - col_bounds_[me];
  bands_ = std::min<std::int64_t>(session.threads(), my_cols);
  if (skewed)
    bands_ = std::max<std::int64_t>(1, std::min(bands_, my_cols / space.skew_cols));
  band_bounds_ = range_bounds(my_cols, static_cast<int>(bands_));
  for (auto &b : band_bounds_)
    b += col_bounds_[me];
  // Row blocks, the same on every process (they match halo messages): short enough that
  // the pipeline over processes and bands fills quickly (about 8 blocks per stage), long
  // enough that a halo message carries many rows. With skew, one row each: a tile reads
  // the next band's tile of the row above (which runs one wave earlier with slope 2),
  // and the previous band's tile of a row below writes what it reads.
  const std::int64_t stages = static_cast<std::int64_t>(working) * session.threads();
  block_rows_ = skewed ? 1 : std::max<std::int64_t>({1, space.halo_rows, rows / (8 * stages)});
  slope_ = skewed ? 2 : 1;
  row_blocks_ = (rows + block_rows_ - 1) / block_rows_;
}

std::int64_t Plan::first_band(std::int64_t wave) const {
  std::int64_t b = std::max<std::int64_t>(0, wave - slope_ * (row_blocks_ - 1));
  return b + (wave - b) % slope_;
}

std::int64_t Plan::tiles(std::int64_t wave) const {
  const std::int64_t first = first_band(wave), last = std::min<std::int64_t>(bands_ - 1, wave);
  return first > last ? 0 : (last - first) / slope_ + 1;
}

std::int64_t Plan::block_of(std::int64_t wave, std::int64_t band) const {
  const std::int64_t d = wave - band;
  if (d < 0 || d % slope_ != 0 || d / slope_ >= row_blocks_)
    return -1;
  return d / slope_;
}

IndexRange Plan::tile_rows(std::int64_t block) const {
  const std::int64_t rows = space_.rows.end - space_.rows.begin;
  return IndexRange{block * block_rows_, std::min(rows, (block + 1) * block_rows_)};
}

IndexRange Plan::tile_cols(std::int64_t band) const {
  return IndexRange{band_bounds_[band], band_bounds_[band + 1]};
}

IndexRange Plan::col_positions(IndexRange range) const {
  if (col_up_)
    return IndexRange{range.begin - space_.cols.begin, range.end - space_.cols.begin};
  return IndexRange{space_.cols.end - range.end, space_.cols.end - range.begin};
}

IndexRange Plan::rows_at(IndexRange positions) const {
  if (row_up_)
    return IndexRange{space_.rows.begin + positions.begin, space_.rows.begin + positions.end};
  return IndexRange{space_.rows.end - positions.end, space_.rows.end - positions.begin};
}

std::int64_t Plan::first_col_at(std::int64_t position, std::int64_t width) const {
  return col_up_ ? space_.cols.begin + position : space_.cols.end - position - width;
}

void Plan::copy(const std::vector<ArrayHandle> &arrays, IndexRange r, std::int64_t c0,
                std::int64_t width, std::byte *buffer, bool into_array) const {
  const IndexRange rows = rows_at(r);
  const std::int64_t first = first_col_at(c0, width);
  for (const ArrayHandle &a : arrays) {
    const std::int64_t run = width * a.geometry.cell_bytes;
    for (std::int64_t i = rows.begin; i < rows.end; ++i) {
      std::byte *cell = a.storage + i * a.geometry.row_bytes() + first * a.geometry.cell_bytes;
      if (into_array) {
        std::memcpy(cell, buffer, static_cast<std::size_t>(run));
      } else {
        std::memcpy(buffer, cell, static_cast<std::size_t>(run));
      }
      buffer += run;
    }
  }
}

void Plan::start() {
  const std::size_t blocks = static_cast<std::size_t>(row_blocks_);
  for (auto *v : {&incoming_, &outgoing_, &back_incoming_, &back_outgoing_})
    v->resize(blocks);
  for (auto *v : {&receives_, &sends_, &back_receives_, &back_sends_})
    v->resize(blocks);
  const int me = session_.rank();
  const IndexRange all{0, space_.rows.end - space_.rows.begin};
  // Before this process writes anything: its first halo_cols columns, with the values
  // from before the loop, to the left neighbour, which reads them (anti dependences)
  // while this process overwrites them; with skew its last skew_cols columns to the
  // right neighbour likewise. Arrays that were whole need none of this.
  if (!stale_.empty() && space_.halo_cols > 0) {
    const std::int64_t bytes = halo_bytes(stale_, all.end, space_.halo_cols);
    if (left_ >= 0) {
      ahead_outgoing_.resize(static_cast<std::size_t>(bytes));
      copy(stale_, all, col_bounds_[me], space_.halo_cols, ahead_outgoing_.data(),
           /*into_array*/ false);
      ahead_send_ = session_.transport().isend(ahead_outgoing_.data(), bytes, left_, kAheadTag);
    }
    if (right_ >= 0) {
      ahead_incoming_.resize(static_cast<std::size_t>(bytes));
      ahead_receive_ = session_.transport().irecv(ahead_incoming_.data(), bytes, right_, kAheadTag);
    }
  }
  if (!stale_.empty() && space_.skew_cols > 0) {
    const std::int64_t bytes = halo_bytes(stale_, all.end, space_.skew_cols);
    if (right_ >= 0) {
      behind_outgoing_.resize(static_cast<std::size_t>(bytes));
      copy(stale_, all, col_bounds_[me + 1] - space_.skew_cols, space_.skew_cols,
           behind_outgoing_.data(),
           /*into_array*/ false);
      behind_send_ = session_.transport().isend(behind_outgoing_.data(), bytes, right_, kBehindTag);
    }
    if (left_ >= 0) {
      // The first band reads them from its first row on.
      behind_incoming_.resize(static_cast<std::size_t>(bytes));
      behind_receive_ =
          session_.transport().irecv(behind_incoming_.data(), bytes, left_, kBehindTag);
      session_.transport().wait(behind_receive_);
      copy(stale_, all, col_bounds_[me] - space_.skew_cols, space_.skew_cols,
           behind_incoming_.data(),
           /*into_array*/ true);
      std::vector<std::byte>().swap(behind_incoming_);
    }
  }
  for (std::int64_t b = 0; b < row_blocks_; ++b) {
    const IndexRange r = tile_rows(b);
    const auto n = static_cast<std::size_t>(b);
    if (left_ >= 0 && space_.halo_cols > 0) {
      incoming_[n].resize(
          static_cast<std::size_t>(halo_bytes(arrays_, r.end - r.begin, space_.halo_cols)));
      receives_[n] = session_.transport().irecv(incoming_[n].data(),
                                                static_cast<std::int64_t>(incoming_[n].size()),
                                                left_, static_cast<int>(b % 30000));
    }
    if (right_ >= 0 && space_.skew_cols > 0) {
      back_incoming_[n].resize(
          static_cast<std::size_t>(halo_bytes(arrays_, r.end - r.begin, space_.skew_cols)));
      back_receives_[n] = session_.transport().irecv(
          back_incoming_[n].data(), static_cast<std::int64_t>(back_incoming_[n].size()), right_,
          static_cast<int>(b % 30000));
    }
  }
}

void Plan::before_wave(std::int64_t wave) {
  const int me = session_.rank();
  // Only the last band reads right of this process's columns; it first runs in wave
  // bands - 1. The right neighbour sent the columns before it wrote any of them.
  if (wave == bands_ - 1 && right_ >= 0 && !stale_.empty() && space_.halo_cols > 0) {
    session_.transport().wait(ahead_receive_);
    copy(stale_, IndexRange{0, space_.rows.end - space_.rows.begin}, col_bounds_[me + 1],
         space_.halo_cols, ahead_incoming_.data(), /*into_array*/ true);
    std::vector<std::byte>().swap(ahead_incoming_);
  }
  // The first band of a row block reads the halo columns of those rows on the left.
  if (const std::int64_t block = block_of(wave, 0);
      block >= 0 && left_ >= 0 && space_.halo_cols > 0) {
    const auto b = static_cast<std::size_t>(block);
    session_.transport().wait(receives_[b]);
    copy(arrays_, tile_rows(block), col_bounds_[me] - space_.halo_cols, space_.halo_cols,
         incoming_[b].data(),
         /*into_array*/ true);
    std::vector<std::byte>().swap(incoming_[b]);
  }
  // With skew the last band of a row reads the right neighbour's first columns of the
  // rows above, which arrive after that neighbour's first band ran them.
  if (const std::int64_t block = block_of(wave, bands_ - 1);
      block >= 1 && right_ >= 0 && space_.skew_cols > 0) {
    const auto b = static_cast<std::size_t>(block - 1);
    session_.transport().wait(back_receives_[b]);
    copy(arrays_, tile_rows(block - 1), col_bounds_[me + 1], space_.skew_cols,
         back_incoming_[b].data(),
         /*into_array*/ true);
    std::vector<std::byte>().swap(back_incoming_[b]);
  }
}

void Plan::after_wave(std::int64_t wave) {
  const int me = session_.rank();
  // The last band finished a row block: its last columns go right.
  if (const std::int64_t block = block_of(wave, bands_ - 1);
      block >= 0 && right_ >= 0 && space_.halo_cols > 0) {
    const auto b = static_cast<std::size_t>(block);
    const IndexRange r = tile_rows(block);
    outgoing_[b].resize(
        static_cast<std::size_t>(halo_bytes(arrays_, r.end - r.begin, space_.halo_cols)));
    copy(arrays_, r, col_bounds_[me + 1] - space_.halo_cols, space_.halo_cols, outgoing_[b].data(),
         /*into_array*/ false);
    sends_[b] = session_.transport().isend(outgoing_[b].data(),
                                           static_cast<std::int64_t>(outgoing_[b].size()), right_,
                                           static_cast<int>(block % 30000));
  }
  // With skew the first band finished a row: its first columns go left.
  if (const std::int64_t block = block_of(wave, 0);
      block >= 0 && left_ >= 0 && space_.skew_cols > 0) {
    const auto b = static_cast<std::size_t>(block);
    const IndexRange r = tile_rows(block);
    back_outgoing_[b].resize(
        static_cast<std::size_t>(halo_bytes(arrays_, r.end - r.begin, space_.skew_cols)));
    copy(arrays_, r, col_bounds_[me], space_.skew_cols, back_outgoing_[b].data(),
         /*into_array*/ false);
    back_sends_[b] = session_.transport().isend(back_outgoing_[b].data(),
                                                static_cast<std::int64_t>(back_outgoing_[b].size()),
                                                left_, static_cast<int>(block % 30000));
  }
}

void Plan::progress() {
  for (auto *requests : {&sends_, &receives_, &back_sends_, &back_receives_})
    session_.transport().poll(*requests);
}

void Plan::finish() {
  session_.transport().wait(ahead_send_);
  session_.transport().wait(behind_send_);
  for (auto *requests : {&sends_, &receives_, &back_sends_, &back_receives_})
    session_.transport().wait_all(*requests);
}

} // namespace weft::rt::wavefront_detail
