// weft/rt/wavefront.h — the wavefront executor, for `#pragma weft parallel_for ordered`
// nests of two counted loops whose dependences a hyperplane a*i + b*j (a, b >= 1 in the
// order the loops run) advances. In that order ("up" is an earlier row, "left" an
// earlier column), iteration (i, j) reads what iterations up and left of it wrote
// (flow, 0 <= rows <= halo_rows, 0 <= cols <= halo_cols) and, in a skewed nest, what
// iterations at least one row up and at most skew_cols columns right of it wrote; and
// what iterations down and right of it, or in a skewed nest down and at most skew_cols
// left, write later (anti: it reads the value from before the loop). Dynamic programs
// (edit distance, LCS, Smith-Waterman), in-place sweeps (Gauss-Seidel reading the next
// row or the previous row's next column), and each of these counting down in one or both
// loops, or over a triangle.
//
//   weft::rt::wavefront(session, weft::rt::Wavefront{{1, n + 1}, {1, m + 1}},
//                       weft::rt::Footprint().write(D, 0),
//                       [&](std::int64_t i, std::int64_t j) { D(i, j) = ...; });
//
// Loops that count down run their range in descending order (row_order, col_order:
// the executor mirrors the dim, the body keeps its indices). A triangular nest, whose
// inner loop's bounds are affine in the outer index, passes them as a function of the
// row; the executor runs the bounding rectangle of the first and the last row's ranges
// (affine bounds take their extremes there) and calls the body only inside each row's
// own range:
//
//   weft::rt::wavefront(session, weft::rt::Wavefront{{1, n}, {}},
//                       [&](std::int64_t i) { return weft::rt::IndexRange{1, i + 1}; },
//                       footprint, body);
//
// Written arrays are indexed D(i, j, ...) by the two loop indices (their key dimension
// is 0); reads of other arrays may be anything (they are made whole first). The result
// is bit-identical to the serial loop nest: every iteration computes from the same
// values, only iterations without a dependence between them run at once.
//
// Schedule (in the order the loops run): the columns are cut evenly over the processes,
// each process's columns into bands (one per worker) and the rows into blocks; a process
// runs tile (row block r, band b) in wave s * r + b, the tiles of one wave on its workers
// at once. Without skew s = 1 (anti-diagonals). With skew a tile also depends on the
// next band's tile one block up (and the tile one block down and one band left reads
// what it writes later), so blocks are one row, every band and every process is at
// least skew_cols wide, and s = 2. Before the first tile of a row block a process
// receives the halo_cols columns left of its range for those rows from the process on
// its left (posted at the start, so the pipeline fills as soon as the left neighbour
// finishes a row block), and after its last band of a row block it sends its own last
// halo_cols columns to the right. With skew, after its first band of a row it also sends
// its first skew_cols columns of that row to the left, which its left neighbour's last
// band receives before the next row. After the loop each written array is partitioned by
// the processes' column ranges.
//
// Anti dependences reach the halo_cols columns right of a process's range (and with skew
// the skew_cols columns left of it, in rows below), which its neighbours own and
// overwrite during the loop: the process must read them as they were before the loop.
// Its own copy holds those values when the array is whole at the loop's start. When the
// array is partitioned (an earlier loop wrote it and no serial access made it whole
// since; a wavefront run twice, lazily materialized), the copy of another process's
// columns is stale, so before computing each process sends its first halo_cols columns
// of the loop's rows, as it found them, to its left neighbour, and with skew its last
// skew_cols columns to its right neighbour (one message each, the size of the halos
// inside the loop; nothing when the array is whole). The rest of another process's
// columns is never read.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "weft/rt/loop.h"

namespace weft::rt {

// The order in which a loop runs its range: a loop that counts down by one is Descending.
enum class Order { Ascending, Descending };

// The iteration space rows.begin <= i < rows.end, cols.begin <= j < cols.end; how far up
// (rows) and left (cols) an iteration reads what others wrote, and with skew how far
// right in rows above (all in the order the loops run).
struct Wavefront {
  IndexRange rows;
  IndexRange cols;
  std::int64_t halo_rows = 1;
  std::int64_t halo_cols = 1;
  std::int64_t skew_cols = 0;
  Order row_order = Order::Ascending;
  Order col_order = Order::Ascending;
};

namespace wavefront_detail {

// The schedule of one process, and the halo traffic (non-template: cells are bytes).
// Rows and columns here are positions in the order the loops run, from 0; row(r) and
// col(c) are the loop indices at those positions.
class Plan {
public:
  Plan(Session &session, const Wavefront &space, const Footprint &footprint);

  const std::vector<Layout> &write_layouts() const { return layouts_; }
  std::int64_t waves() const { return row_blocks_ == 0 ? 0 : slope_ * (row_blocks_ - 1) + bands_; }
  // The tiles of a wave: bands first_band(w), first_band(w) + slope, ... (tiles(w) of
  // them), band b in row block (w - b) / slope.
  std::int64_t first_band(std::int64_t wave) const;
  std::int64_t tiles(std::int64_t wave) const;
  std::int64_t slope() const { return slope_; }
  IndexRange tile_rows(std::int64_t block) const;
  IndexRange tile_cols(std::int64_t band) const;
  std::int64_t row(std::int64_t r) const {
    return row_up_ ? space_.rows.begin + r : space_.rows.end - 1 - r;
  }
  std::int64_t col(std::int64_t c) const {
    return col_up_ ? space_.cols.begin + c : space_.cols.end - 1 - c;
  }
  // The positions of the columns [range.begin, range.end).
  IndexRange col_positions(IndexRange range) const;
  bool cols_ascending() const { return col_up_; }
  bool active() const { return active_; }

  // Halo exchange around wave d (main thread).
  void start();
  void before_wave(std::int64_t wave);
  void after_wave(std::int64_t wave);
  void progress();
  void finish();

private:
  // The loop indices at positions [positions.begin, positions.end), as an ascending range.
  IndexRange rows_at(IndexRange positions) const;
  std::int64_t first_col_at(std::int64_t position, std::int64_t width) const;
  // Copies the rows at row positions `r` and `width` columns from column position c0 of
  // every array in `arrays` to (into_array false) or from a buffer.
  void copy(const std::vector<ArrayHandle> &arrays, IndexRange r, std::int64_t c0,
            std::int64_t width, std::byte *buffer, bool into_array) const;
  // The block of `row block` that band `band` runs in `wave`, or -1 when it runs none.
  std::int64_t block_of(std::int64_t wave, std::int64_t band) const;

  Session &session_;
  Wavefront space_;
  bool row_up_ = true, col_up_ = true;
  std::vector<ArrayHandle> arrays_;
  std::vector<Layout> layouts_;
  std::vector<std::int64_t> col_bounds_; // per process, column positions
  int left_ = -1, right_ = -1;           // neighbours with columns, or -1
  bool active_ = false;
  std::int64_t row_blocks_ = 0, bands_ = 0, block_rows_ = 1, slope_ = 1;
  std::vector<std::int64_t> band_bounds_;
  // Per row block: from/to the left and right neighbours.
  std::vector<std::vector<std::byte>> incoming_, outgoing_, back_incoming_, back_outgoing_;
  std::vector<Request> receives_, sends_, back_receives_, back_sends_;
  // The written arrays that were partitioned at the loop's start, whose copies of the
  // neighbours' columns may be stale, and those columns' exchange (see above).
  std::vector<ArrayHandle> stale_;
  std::vector<std::byte> ahead_incoming_, ahead_outgoing_, behind_incoming_, behind_outgoing_;
  Request ahead_receive_, ahead_send_, behind_receive_, behind_send_;
};

// The loop indices of `cols_of`'s ranges over the rows: the bounding rectangle of the
// first and the last row's ranges, exact for bounds affine in the row.
template <class ColsOf> IndexRange bounding_cols(IndexRange rows, ColsOf &cols_of) {
  if (rows.end <= rows.begin)
    return IndexRange{0, 0};
  const IndexRange first = cols_of(rows.begin), last = cols_of(rows.end - 1);
  return IndexRange{std::min(first.begin, last.begin), std::max(first.end, last.end)};
}

} // namespace wavefront_detail

// A triangular (or trapezoidal) nest: row i runs the columns cols_of(i); space.cols is
// not read.
template <class ColsOf, class Body>
void wavefront(Session &session, Wavefront space, ColsOf &&cols_of, const Footprint &footprint,
               Body &&body) {
  space.cols = wavefront_detail::bounding_cols(space.rows, cols_of);
  if (skip_restored_run<Body>(session, "wavefront", footprint, space))
    return;
  wavefront_detail::Plan plan(session, space, footprint);
  std::vector<const std::vector<std::int64_t> *> rows(footprint.reads().size(), nullptr);
  std::vector<const Layout *> owned(footprint.reads().size(), nullptr);
  LoopScope scope(session, "wavefront", footprint, plan.write_layouts(), rows, owned);
  if (plan.active()) {
    plan.start();
    for (std::int64_t wave = 0; wave < plan.waves(); ++wave) {
      plan.before_wave(wave);
      const std::int64_t first = plan.first_band(wave);
      for_each_block(session, plan.tiles(wave), [&](std::int64_t n) {
        const std::int64_t band = first + n * plan.slope();
        const IndexRange r = plan.tile_rows((wave - band) / plan.slope()), c = plan.tile_cols(band);
        for (std::int64_t p = r.begin; p < r.end; ++p) {
          const std::int64_t i = plan.row(p);
          const IndexRange own = plan.col_positions(cols_of(i));
          const std::int64_t from = std::max(c.begin, own.begin), to = std::min(c.end, own.end);
          if (from >= to)
            continue;
          if (plan.cols_ascending()) {
            for (std::int64_t j = plan.col(from), last = plan.col(to - 1); j <= last; ++j)
              body(i, j);
          } else {
            for (std::int64_t j = plan.col(from), last = plan.col(to - 1); j >= last; --j)
              body(i, j);
          }
        }
      });
      plan.after_wave(wave);
      plan.progress();
    }
    plan.finish();
  }
  scope.finish();
}

// A rectangular nest.
template <class Body>
void wavefront(Session &session, const Wavefront &space, const Footprint &footprint, Body &&body) {
  const IndexRange cols = space.cols;
  wavefront(
      session, space, [cols](std::int64_t) { return cols; }, footprint, std::forward<Body>(body));
}

} // namespace weft::rt
