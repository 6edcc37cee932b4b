// rotation_2d: the parts of the schedule that do not depend on the entry type, and the
// ring that moves time partitions between processes.
#include "weft/rt/rotation_2d.h"

namespace weft::rt::rotation_detail {

std::int64_t tile_rows(std::int64_t cache_bytes, std::int64_t row_bytes) {
  if (row_bytes <= 0)
    return std::int64_t{1} << 30; // no array rows: one tile
  return std::max<std::int64_t>(1, cache_bytes / 2 / row_bytes);
}

std::int64_t row_bytes_of_dim(const Footprint &footprint, int dim) {
  std::int64_t bytes = 0;
  for (const auto &w : footprint.writes()) {
    if (w.key_dim == dim)
      bytes += w.handle.geometry.row_bytes();
  }
  for (const auto &r : footprint.reads()) {
    if (r.key_dim == dim)
      bytes += r.handle.geometry.row_bytes();
  }
  return bytes;
}

void check_arguments(const Footprint &footprint, int space, int time, std::size_t rank) {
  const auto dim_ok = [rank](int d) { return d >= 0 && static_cast<std::size_t>(d) < rank; };
  if (!dim_ok(space) || !dim_ok(time) || space == time) {
    usage_error("rotation_2d",
                "space and time must be two different key dimensions of the loop, got " +
                    std::to_string(space) + " and " + std::to_string(time));
  }
  for (const auto &w : footprint.writes()) {
    if (w.key_dim != space && w.key_dim != time) {
      usage_error("rotation_2d", "the loop writes the DistArray of shape " + w.handle.shape +
                                     " at rows named by key dimension " +
                                     std::to_string(w.key_dim) +
                                     ", which is neither the space nor the time dimension");
    }
  }
  // Every process applies every buffered update to its copy of the target: the copies
  // must stay whole, so the loop must not also own rows of it.
  for (const auto &b : footprint.buffers()) {
    for (const auto &w : footprint.writes()) {
      if (w.handle.storage == b->target().storage) {
        usage_error("rotation_2d", "the loop writes the DistArray of shape " + w.handle.shape +
                                       " both directly and through a Buffer");
      }
    }
  }
}

std::string plan_key(int space, int time, const Session &session, const Footprint &footprint) {
  std::string key = "rotation_2d;s=" + std::to_string(space) + ";t=" + std::to_string(time) +
                    ";P=" + std::to_string(session.size()) +
                    ";m=" + std::to_string(session.options().partitions_per_rank) +
                    ";T=" + std::to_string(session.threads()) +
                    ";cache=" + std::to_string(session.options().cache_bytes) + ";writes=";
  // The maps and the row counts decide the key extents (writes) and the rows read (reads:
  // the keys name rows through the map, and rows outside the array are left out).
  for (const auto &w : footprint.writes()) {
    key += std::to_string(w.key_dim) + ":" + std::to_string(w.handle.geometry.rows) + ":" +
           std::to_string(w.handle.geometry.row_bytes()) + ":" + std::to_string(w.map.scale) + ":" +
           std::to_string(w.map.offset) + ",";
  }
  key += ";reads=";
  for (const auto &r : footprint.reads()) {
    key += std::to_string(r.key_dim) + ":" + std::to_string(r.handle.geometry.rows) + ":" +
           std::to_string(r.handle.geometry.row_bytes()) + ":" + std::to_string(r.map.scale) + ":" +
           std::to_string(r.map.offset) + ",";
  }
  return key;
}

std::vector<std::int64_t> sum_histograms(std::vector<std::vector<std::int64_t>> &per_chunk,
                                         std::int64_t extent) {
  std::vector<std::int64_t> sum = std::move(per_chunk.front());
  sum.resize(static_cast<std::size_t>(extent), 0);
  for (std::size_t c = 1; c < per_chunk.size(); ++c) {
    const std::size_t n = std::min(sum.size(), per_chunk[c].size());
    for (std::size_t i = 0; i < n; ++i)
      sum[i] += per_chunk[c][i];
  }
  return sum;
}

std::int64_t used_extent(const std::vector<std::int64_t> &counts) {
  std::size_t n = counts.size();
  while (n > 0 && counts[n - 1] == 0)
    --n;
  return static_cast<std::int64_t>(n);
}

namespace {

std::int64_t tiles_over(std::int64_t rows, std::int64_t tile) {
  return std::max<std::int64_t>(1, (rows + tile - 1) / tile);
}

} // namespace

TileGrid tile_grid(Schedule &s, std::int64_t space_begin, std::int64_t space_end,
                   std::int64_t time_extent, std::int64_t max_tiles) {
  const auto &wsb = s.worker_space_bounds;
  const std::int64_t g = s.workers, blocks = s.blocks();
  std::int64_t space_tiles = 1, time_tiles = 1; // the most of any band and any sub-range
  for (;;) {
    space_tiles = time_tiles = 1;
    for (std::int64_t a = 0; a < g; ++a)
      space_tiles = std::max(space_tiles, tiles_over(wsb[a + 1] - wsb[a], s.space_tile));
    for (const auto &wtb : s.worker_time_bounds) {
      for (std::int64_t b = 0; b < g; ++b)
        time_tiles = std::max(time_tiles, tiles_over(wtb[b + 1] - wtb[b], s.time_tile));
    }
    // (In floating point: with one-row tiles the product of two key ranges may not fit.)
    if (static_cast<double>(blocks) * static_cast<double>(space_tiles) *
            static_cast<double>(time_tiles) <=
        static_cast<double>(std::max(max_tiles, blocks))) {
      break;
    }
    s.space_tile *= 2;
    s.time_tile *= 2;
  }
  TileGrid grid;
  grid.tiles_per_block = space_tiles * time_tiles;
  grid.tiles = blocks * grid.tiles_per_block;
  // Tile (q, a, b, i, j): block (q, a, b), space tile i of band a, time tile j of sub-range
  // b of partition q; number ((q g + a) g + b) tiles_per_block + i time_tiles + j.
  // (At least one element: make_plan looks up index 0 for other processes' entries, also
  // when this process's space range is empty.)
  grid.space_part.resize(
      static_cast<std::size_t>(std::max<std::int64_t>(1, space_end - space_begin)), 0);
  for (std::int64_t a = 0; a < g; ++a) {
    for (std::int64_t u = wsb[a]; u < wsb[a + 1]; ++u) {
      grid.space_part[static_cast<std::size_t>(u - space_begin)] =
          a * g * grid.tiles_per_block + (u - wsb[a]) / s.space_tile * time_tiles;
    }
  }
  grid.time_part.resize(static_cast<std::size_t>(time_extent));
  for (int q = 0; q < s.partitions(); ++q) {
    const auto &wtb = s.worker_time_bounds[static_cast<std::size_t>(q)];
    for (std::int64_t b = 0; b < g; ++b) {
      for (std::int64_t t = wtb[b]; t < wtb[b + 1]; ++t) {
        grid.time_part[static_cast<std::size_t>(t)] =
            (q * g * g + b) * grid.tiles_per_block + (t - wtb[b]) / s.time_tile;
      }
    }
  }
  return grid;
}

Layout home_layout(const Schedule &s, const Footprint::Use &use) {
  std::vector<int> owners(static_cast<std::size_t>(s.partitions()));
  for (int q = 0; q < s.partitions(); ++q)
    owners[q] = q / s.per_rank;
  return row_layout(part_rows(s.time_bounds, use.map, use.handle.geometry.rows), owners,
                    use.handle.geometry.cols);
}

namespace {
// The runtime's transfer scheduler (policy and emulated link from the options) with the
// partition and credit the loop's tuner proposes.
TransferScheduler::Settings ring_settings(const Session &session, CommScheduler::Settings tuned) {
  TransferScheduler::Settings settings = transfer_settings(session.options());
  settings.policy.partition_bytes = tuned.partition_bytes;
  settings.policy.credit_bytes = tuned.credit_bytes;
  return settings;
}
} // namespace

Ring::Ring(Session &session, const Schedule &schedule,
           const std::vector<Footprint::Use> &time_arrays, CommScheduler::Settings settings)
    : session_(session), s_(schedule),
      scheduler_(session.transport(), ring_settings(session, settings)),
      sends_(static_cast<std::size_t>(schedule.partitions())),
      receives_(static_cast<std::size_t>(schedule.partitions())) {
  // A partition moves the rows it owns in the home layout, so that the ring's last step
  // brings back exactly the home tiles.
  for (const auto &use : time_arrays) {
    arrays_.push_back(use.handle);
    slices_.push_back(part_rows(schedule.time_bounds, use.map, use.handle.geometry.rows));
  }
}

Ring::~Ring() = default; // outstanding requests (only after an error) cancel themselves

template <class Fn> void Ring::for_each_slice(int q, Fn fn) const {
  for (std::size_t k = 0; k < arrays_.size(); ++k) {
    const ArrayHandle &a = arrays_[k];
    const RowRange rows = slices_[k][static_cast<std::size_t>(q)];
    const std::int64_t b = rows.begin, e = rows.end;
    if (e <= b)
      continue;
    fn(a.storage + b * a.geometry.row_bytes(), (e - b) * a.geometry.row_bytes(),
       static_cast<int>(k) * s_.partitions() + q);
  }
}

void Ring::post_receive(int q) {
  Transport &net = session_.transport();
  // The rows may still be on their way out from an earlier step of this loop.
  for (TransferScheduler::Handle h : sends_[static_cast<std::size_t>(q)])
    scheduler_.wait(h);
  const int from = (net.rank() + 1) % net.size();
  auto &mine = receives_[static_cast<std::size_t>(q)];
  mine.clear();
  for_each_slice(q, [&](auto *storage, std::int64_t bytes, int tag) {
    mine.push_back(scheduler_.receive(storage, bytes, from, tag));
  });
}

void Ring::before_step(int step) {
  if (s_.processes == 1)
    return;
  const int me = session_.rank();
  const int q = s_.partition_at(me, step);
  if (step >= s_.per_rank) {
    for (TransferScheduler::Handle h : receives_[static_cast<std::size_t>(q)])
      scheduler_.wait(h);
  }
  const int next = step + 1;
  if (next < s_.partitions() && next >= s_.per_rank)
    post_receive(s_.partition_at(me, next));
}

void Ring::after_step(int step) {
  if (s_.processes == 1)
    return;
  Transport &net = session_.transport();
  const int me = net.rank();
  const int to = (me + net.size() - 1) % net.size();
  const int q = s_.partition_at(me, step);
  auto &mine = sends_[static_cast<std::size_t>(q)];
  for_each_slice(q, [&](auto *storage, std::int64_t bytes, int tag) {
    // Priority: the step at which the receiver needs it (m steps later).
    mine.push_back(scheduler_.send(storage, bytes, to, tag, step + s_.per_rank));
  });
}

void Ring::progress() {
  if (s_.processes == 1)
    return;
  scheduler_.progress();
}

void Ring::finish() {
  if (s_.processes == 1)
    return;
  const int me = session_.rank();
  for (int i = 0; i < s_.per_rank; ++i)
    post_receive(me * s_.per_rank + i);
  scheduler_.wait_all();
}

} // namespace weft::rt::rotation_detail
