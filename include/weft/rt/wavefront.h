// weft/rt/wavefront.h — the wavefront executor, for `#pragma weft parallel_for ordered`
// loop nests whose dependences all point up and to the left: iteration (i, j) reads
// what iterations (i - a, j - b) wrote (flow), and what iterations (i + a, j + b) write
// later, so the value from before the loop (anti), 0 <= a <= halo_rows,
// 0 <= b <= halo_cols (dynamic programs such as edit distance, LCS, Smith-Waterman;
// stencils after a skew, in-place sweeps that read the next column).
//
//   weft::rt::wavefront(session, weft::rt::Wavefront{{1, n + 1}, {1, m + 1}},
//                       weft::rt::Footprint().write(D, 0),
//                       [&](std::int64_t i, std::int64_t j) { D(i, j) = ...; });
//
// Written arrays are indexed D(i, j, ...) by the two loop indices (their key dimension
// is 0); reads of other arrays may be anything (they are made whole first). The result
// is bit-identical to the serial loop nest: every iteration computes from the same
// values, only iterations without a dependence between them run at once.
//
// Schedule: the columns are cut evenly over the processes, each process's columns into
// bands (one per worker) and the rows into blocks; a process runs its tiles (row block,
// band) by anti-diagonals, the tiles of one anti-diagonal on its workers at once. Before
// the first tile of a row block a process receives the halo_cols columns left of its
// range for those rows from the process on its left (posted at the start, so the
// pipeline fills as soon as the left neighbour finishes a row block), and after its
// last band of a row block it sends its own last halo_cols columns to the right. After
// the loop each written array is partitioned by the processes' column ranges.
//
// Anti dependences reach the halo_cols columns right of a process's range, which its
// right neighbour owns and overwrites during the loop: the process must read them as
// they were before the loop. Its own copy holds those values when the array is whole
// at the loop's start. When the array is partitioned (an earlier loop wrote it and no
// serial access made it whole since; a wavefront run twice, lazily materialized), the
// copy of another process's columns is stale, so before computing each process sends
// its first halo_cols columns of the loop's rows, as it found them, to its left
// neighbour (one message, the size of the halos inside the loop; nothing when the
// array is whole). The rest of another process's columns is never read.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "weft/rt/loop.h"

namespace weft::rt {

// The iteration space rows.begin <= i < rows.end, cols.begin <= j < cols.end, and how far
// up (rows) and left (cols) an iteration reads what others wrote.
struct Wavefront {
  IndexRange rows;
  IndexRange cols;
  std::int64_t halo_rows = 1;
  std::int64_t halo_cols = 1;
};

namespace wavefront_detail {

// The schedule of one process, and the halo traffic (non-template: cells are bytes).
class Plan {
 public:
  Plan(Session& session, const Wavefront& space, const Footprint& footprint);

  const std::vector<Layout>& write_layouts() const { return layouts_; }
  std::int64_t waves() const { return row_blocks_ + bands_ - 1; }
  // Tiles of wave d: (row block d - band, band) for the bands that exist.
  std::int64_t first_band(std::int64_t wave) const { return std::max<std::int64_t>(0, wave - row_blocks_ + 1); }
  std::int64_t last_band(std::int64_t wave) const { return std::min<std::int64_t>(bands_ - 1, wave); }
  IndexRange tile_rows(std::int64_t block) const;
  IndexRange tile_cols(std::int64_t band) const;
  bool active() const { return active_; }

  // Halo exchange around wave d (main thread).
  void start();
  void before_wave(std::int64_t wave);
  void after_wave(std::int64_t wave);
  void progress();
  void finish();

 private:
  Session& session_;
  Wavefront space_;
  std::vector<ArrayHandle> arrays_;
  std::vector<Layout> layouts_;
  std::vector<std::int64_t> col_bounds_;  // per process
  int left_ = -1, right_ = -1;            // neighbours with columns, or -1
  bool active_ = false;
  std::int64_t row_blocks_ = 0, bands_ = 0, block_rows_ = 1;
  std::vector<std::int64_t> band_bounds_;
  std::vector<std::vector<std::byte>> incoming_, outgoing_;  // per row block
  std::vector<Request> receives_, sends_;
  // The written arrays that were partitioned at the loop's start, whose copy of the right
  // neighbour's first columns may be stale, and those columns' exchange (see above).
  std::vector<ArrayHandle> stale_;
  std::vector<std::byte> ahead_incoming_, ahead_outgoing_;
  Request ahead_receive_, ahead_send_;
};

}  // namespace wavefront_detail

template <class Body>
void wavefront(Session& session, const Wavefront& space, const Footprint& footprint, Body&& body) {
  wavefront_detail::Plan plan(session, space, footprint);
  std::vector<const std::vector<std::int64_t>*> rows(footprint.reads().size(), nullptr);
  std::vector<const Layout*> owned(footprint.reads().size(), nullptr);
  LoopScope scope(session, "wavefront", footprint, plan.write_layouts(), rows, owned);
  if (plan.active()) {
    plan.start();
    for (std::int64_t wave = 0; wave < plan.waves(); ++wave) {
      plan.before_wave(wave);
      const std::int64_t first = plan.first_band(wave);
      for_each_block(session, plan.last_band(wave) - first + 1, [&](std::int64_t n) {
        const std::int64_t band = first + n;
        const IndexRange r = plan.tile_rows(wave - band), c = plan.tile_cols(band);
        for (std::int64_t i = r.begin; i < r.end; ++i) {
          for (std::int64_t j = c.begin; j < c.end; ++j) body(i, j);
        }
      });
      plan.after_wave(wave);
      plan.progress();
    }
    plan.finish();
  }
  scope.finish();
}

}  // namespace weft::rt
