// weft/rt/rotation_2d.h — the rotation_2d executor (Orion's 2D schedule): no conflict of
// the loop is non-zero in both of two key dimensions, the space dimension a and the time
// dimension b. Iterations with different key[a] and different key[b] may run at once.
//
//   weft::rt::rotation_2d(session, R, /*space*/ 0, /*time*/ 1,
//                         weft::rt::Footprint().write(W, 0).write(H, 1).reduce(sq_err),
//                         [&](const weft::Entry<float, 2>& e) { ... });
//
// Every written array must be indexed by the space or the time dimension (its rows are
// key[a] or key[b]); reads may name any key dimension (their rows are copied in first).
// Writes that conflict in both dimensions may go through Buffers (Footprint::buffer,
// `b(i) += x` in the body), whose targets stay whole on every process (see below).
//
// Schedule, for P processes, m time partitions per process and T workers per process:
//  - key[a] is cut into P ranges by histogram (equal numbers of entries); process r owns
//    space range r and every row of the space-indexed arrays in it, for the whole loop.
//  - key[b] is cut into P x m partitions by histogram. At step j (0 <= j < P m) process r
//    works on time partition q = (r m + j) mod P m, then sends its rows of the time-indexed
//    arrays to process r - 1 (mod P), which needs it m steps later; the receive for the
//    next step is posted a step ahead, so that transfers overlap compute (m >= 2 gives a
//    whole step of slack; the transfers go through the CommScheduler, whose settings are
//    tuned over the first epochs). At any time a partition is at exactly one process, and the
//    space ranges are disjoint: no two processes touch the same row or column at once.
//    After P m steps every partition is back where it started ("home": partitions r m ..
//    r m + m - 1 at process r), so the next rotation_2d over the same entries starts
//    without moving anything.
//  - Inside a process, a second level of blocks over the workers: the space range into G
//    bands, every time partition into G sub-ranges (histogram again), and a step runs G
//    waves; in wave w band i works on sub-range (i + w) mod G, and the G blocks of a wave
//    go to the T workers as they come free. Within a wave no two workers share a row or a
//    column. G = 2 T (1 for one worker): with only T blocks per wave, the main thread
//    often ran the second block itself before a sleeping worker woke up to take it; with
//    4 T blocks, SGD needed more epochs for the same error (smaller blocks).
//  - Inside a block, the entries are ordered by cache tiles: ranges of both dimensions
//    whose rows (of all arrays indexed by them) fill Options::cache_bytes (a quarter of a
//    1 MiB L2 cache by default), tile by tile, and in R's order within a tile. The random
//    accesses of a tile then hit the cache.
//  - The worker that runs band i's block takes detail::worker_index = i, so that the
//    accumulators' partial values and the Buffers' logs are per band (G of each) and do
//    not depend on which thread ran which block.
//  - Buffers: a wave runs in rounds. In a round every band runs its block from where it
//    stopped until the block ends or the band holds max_delay updates in one of the
//    loop's Buffers; then every process flushes every Buffer (as in relaxed.h: the held
//    updates of all processes are exchanged and applied to every process's copy of the
//    target in the order (process, band, update)), and an allreduce tells whether any
//    process's wave has entries left. Every process thus flushes at the same points and
//    the same number of times, and a wave ends with nothing held. Staleness bound: an
//    update is applied to every copy at the end of its round, after fewer than
//    max_delay + u further updates of its own band (u: the most buffered updates one
//    iteration makes) and never after the end of its wave; a read of a target sees every
//    update made before the current round, and misses fewer than P G (max_delay + u)
//    updates, those of the round in progress. A block larger than that is split over
//    rounds, so the bound does not depend on the block sizes. Without Buffers a wave is
//    one round and flushes nothing.
// The loop is thus serializable except through Buffers: it equals the serial loop over R's
// entries in the order (step, wave, block, tile, R order), with Buffer updates applied
// late as above. Results depend on P, m and T, not on timing.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "weft/rt/comm_scheduler.h"
#include "weft/rt/large_array.h"
#include "weft/rt/loop.h"
#include "weft/rt/partition_1d.h"

namespace weft::rt {

namespace rotation_detail {

// Bands per worker of the second level of blocks (see the schedule above).
constexpr int kBandsPerWorker = 2;

// The schedule that does not depend on the entry type.
struct Schedule {
  int processes = 1;
  int per_rank = 1;  // m
  int workers = 1;   // G: bands per dimension inside a process (not the thread count)
  std::vector<std::int64_t> space_bounds;          // P + 1
  std::vector<std::int64_t> time_bounds;           // P m + 1
  std::vector<std::int64_t> worker_space_bounds;   // T + 1, within this process's space range
  std::vector<std::vector<std::int64_t>> worker_time_bounds;  // per partition: T + 1
  std::int64_t space_tile = 1;  // rows per cache tile
  std::int64_t time_tile = 1;

  int partitions() const { return processes * per_rank; }
  // Time partition of process `rank` at step j.
  int partition_at(int rank, int step) const { return (rank * per_rank + step) % partitions(); }
  std::size_t block(int q, int a, int b) const {
    return (static_cast<std::size_t>(q) * workers + a) * workers + b;
  }
};

// Rows per cache tile of a dimension whose arrays have `row_bytes` bytes per row: half of
// the cache budget each.
std::int64_t tile_rows(std::int64_t cache_bytes, std::int64_t row_bytes);

// Bytes per row, summed over the arrays the loop indexes by key dimension `dim`.
std::int64_t row_bytes_of_dim(const Footprint& footprint, int dim);

void check_arguments(const Footprint& footprint, int space, int time, std::size_t rank);

std::string plan_key(int space, int time, const Session& session, const Footprint& footprint);

template <class T, std::size_t N>
struct Plan {
  Schedule schedule;
  // The ring's communication settings, tuned over the first loops of this plan.
  SchedulerTuner tuner{CommScheduler::Settings{}, 0};
  LargeArray<weft::Entry<T, N>> entries;      // this process's, block by block
  std::vector<std::int64_t> block_offsets;    // block k is [block_offsets[k], block_offsets[k + 1])
  std::vector<std::vector<std::int64_t>> read_rows;
};

template <class T, std::size_t N>
std::shared_ptr<Plan<T, N>> make_plan(Session& session, const weft::SparseArray<T, N>& a, int space, int time,
                                      const Footprint& footprint) {
  const std::size_t sd = static_cast<std::size_t>(space), td = static_cast<std::size_t>(time);
  EntriesRecord& record = entries_record(session, a);
  const bool sliced = record.sliced();
  auto plan = std::make_shared<Plan<T, N>>();
  Schedule& s = plan->schedule;
  s.processes = session.size();
  s.per_rank = session.size() == 1 ? 1 : session.options().partitions_per_rank;
  s.workers = session.threads() == 1 ? 1 : kBandsPerWorker * session.threads();
  const int me = session.rank();

  std::array<std::int64_t, N> extent = key_extents(session, a, sliced);
  for (const auto& w : footprint.writes()) {
    auto& x = extent[static_cast<std::size_t>(w.key_dim)];
    x = std::max(x, w.handle.geometry.rows);
  }
  // One pass for both histograms of all processes' entries.
  std::vector<std::int64_t> space_counts(static_cast<std::size_t>(extent[sd]), 0);
  std::vector<std::int64_t> time_counts(static_cast<std::size_t>(extent[td]), 0);
  for (const auto& e : weft::detail::RuntimeAccess::entries(a)) {
    ++space_counts[static_cast<std::size_t>(e.key[sd])];
    ++time_counts[static_cast<std::size_t>(e.key[td])];
  }
  if (sliced) {
    session.transport().allreduce_sum(space_counts.data(), static_cast<int>(space_counts.size()));
    session.transport().allreduce_sum(time_counts.data(), static_cast<int>(time_counts.size()));
  }
  s.space_bounds = histogram_bounds(space_counts, s.processes);
  s.time_bounds = histogram_bounds(time_counts, s.partitions());
  const auto& sb = s.space_bounds;
  const std::int64_t space_begin = sb[me], space_end = sb[me + 1];

  // This process's entries: a whole array's own share is read in place; a sliced array's
  // entries first move to their owners.
  std::vector<weft::Entry<T, N>> received;
  if (sliced) {
    received = entries_for_rank(session, a, true, [&](const weft::Entry<T, N>& e) { return part_of(sb, e.key[sd]); });
  }
  const std::vector<weft::Entry<T, N>>& source = sliced ? received : weft::detail::RuntimeAccess::entries(a);
  const auto mine = [&](const weft::Entry<T, N>& e) {
    return sliced || (e.key[sd] >= space_begin && e.key[sd] < space_end);
  };

  // Worker ranges by the histogram of this process's own entries.
  std::vector<std::int64_t> my_space(static_cast<std::size_t>(extent[sd]), 0), my_time(static_cast<std::size_t>(extent[td]), 0);
  std::size_t count = 0;
  for (const auto& e : source) {
    if (!mine(e)) continue;
    ++my_space[static_cast<std::size_t>(e.key[sd])];
    ++my_time[static_cast<std::size_t>(e.key[td])];
    ++count;
  }
  s.worker_space_bounds = histogram_bounds_within(my_space, space_begin, space_end, s.workers);
  for (int q = 0; q < s.partitions(); ++q) {
    s.worker_time_bounds.push_back(histogram_bounds_within(my_time, s.time_bounds[q], s.time_bounds[q + 1], s.workers));
  }
  plan->tuner = SchedulerTuner(
      CommScheduler::Settings{session.options().partition_bytes, session.options().credit_bytes},
      s.processes > 1 ? session.options().comm_tuning_loops : 0);
  s.space_tile = tile_rows(session.options().cache_bytes, row_bytes_of_dim(footprint, space));
  s.time_tile = tile_rows(session.options().cache_bytes, row_bytes_of_dim(footprint, time));

  // Entries go block by block, and within a block tile by tile (space tile major), in
  // R's order within a tile: a stable counting sort by tile number, tiles numbered block
  // by block. Key -> worker range and key -> partition are tables, not searches.
  const std::size_t blocks = static_cast<std::size_t>(s.partitions()) * s.workers * s.workers;
  std::vector<std::int64_t> tile_base(blocks + 1, 0);  // first tile number of each block
  std::vector<std::int64_t> time_tiles(blocks, 1);      // time tiles per space tile
  for (int q = 0; q < s.partitions(); ++q) {
    for (int wa = 0; wa < s.workers; ++wa) {
      for (int wb = 0; wb < s.workers; ++wb) {
        const auto& wtb = s.worker_time_bounds[static_cast<std::size_t>(q)];
        const std::int64_t space_rows = s.worker_space_bounds[wa + 1] - s.worker_space_bounds[wa];
        const std::int64_t time_rows = wtb[wb + 1] - wtb[wb];
        const std::size_t k = s.block(q, wa, wb);
        time_tiles[k] = std::max<std::int64_t>(1, (time_rows + s.time_tile - 1) / s.time_tile);
        const std::int64_t space_tiles = std::max<std::int64_t>(1, (space_rows + s.space_tile - 1) / s.space_tile);
        tile_base[k + 1] = space_tiles * time_tiles[k];
      }
    }
  }
  for (std::size_t k = 0; k < blocks; ++k) tile_base[k + 1] += tile_base[k];
  // Per space key: worker range and space tile; per time key: partition, sub-range, tile.
  std::vector<std::int32_t> worker_of(static_cast<std::size_t>(space_end - space_begin));
  std::vector<std::int64_t> space_tile_of(worker_of.size());
  for (int wa = 0; wa < s.workers; ++wa) {
    for (std::int64_t u = s.worker_space_bounds[wa]; u < s.worker_space_bounds[wa + 1]; ++u) {
      worker_of[static_cast<std::size_t>(u - space_begin)] = wa;
      space_tile_of[static_cast<std::size_t>(u - space_begin)] = (u - s.worker_space_bounds[wa]) / s.space_tile;
    }
  }
  std::vector<std::int32_t> partition_of(static_cast<std::size_t>(extent[td])), sub_of(partition_of.size());
  std::vector<std::int64_t> time_tile_of(partition_of.size());
  for (int q = 0; q < s.partitions(); ++q) {
    const auto& wtb = s.worker_time_bounds[static_cast<std::size_t>(q)];
    for (int wb = 0; wb < s.workers; ++wb) {
      for (std::int64_t i = wtb[wb]; i < wtb[wb + 1]; ++i) {
        partition_of[static_cast<std::size_t>(i)] = q;
        sub_of[static_cast<std::size_t>(i)] = wb;
        time_tile_of[static_cast<std::size_t>(i)] = (i - wtb[wb]) / s.time_tile;
      }
    }
  }
  if (count > std::numeric_limits<std::uint32_t>::max()) {
    usage_error("rotation_2d", "more than 2^32 entries on one process");
  }
  std::vector<std::uint32_t> tile_of(source.size());
  std::vector<std::int64_t> tile_start(static_cast<std::size_t>(tile_base[blocks]) + 1, 0);
  for (std::size_t i = 0; i < source.size(); ++i) {
    const auto& e = source[i];
    if (!mine(e)) continue;
    const std::size_t u = static_cast<std::size_t>(e.key[sd] - space_begin);
    const std::size_t t = static_cast<std::size_t>(e.key[td]);
    const std::size_t k = s.block(partition_of[t], worker_of[u], sub_of[t]);
    tile_of[i] = static_cast<std::uint32_t>(tile_base[k] + space_tile_of[u] * time_tiles[k] + time_tile_of[t]);
    ++tile_start[tile_of[i] + 1];
  }
  for (std::size_t t = 0; t + 1 < tile_start.size(); ++t) tile_start[t + 1] += tile_start[t];
  plan->block_offsets.resize(blocks + 1);
  for (std::size_t k = 0; k <= blocks; ++k) plan->block_offsets[k] = tile_start[static_cast<std::size_t>(tile_base[k])];
  plan->entries = LargeArray<weft::Entry<T, N>>(count);
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (mine(source[i])) plan->entries[static_cast<std::size_t>(tile_start[tile_of[i]]++)] = source[i];
  }
  for (const auto& r : footprint.reads()) {
    plan->read_rows.push_back(r.key_dim >= 0 ? distinct_keys(plan->entries.begin(), plan->entries.end(), r.key_dim)
                                             : std::vector<std::int64_t>{});
  }
  return plan;
}

// The home layout of the time-indexed arrays: partitions r m .. r m + m - 1 at process r.
Layout home_layout(const Schedule& s, const ArrayHandle& array);

// Moves time partitions around the ring: posts and completes the transfers of one
// rotation_2d loop (non-template: rows are bytes).
class Ring {
 public:
  Ring(Session& session, const Schedule& schedule, const std::vector<ArrayHandle>& time_arrays,
       CommScheduler::Settings settings);
  ~Ring();
  // Before step j: the partition for step j is here (waits for its receive), and the
  // receive for step j + 1 is posted.
  void before_step(int step);
  // After step j: sends its partition to the previous process.
  void after_step(int step);
  // Lets MPI progress the transfers in flight (between waves and pieces of a block).
  void progress();
  // After the last step: every home partition is back here.
  void finish();

 private:
  void post_receive(int q);
  // Calls fn(storage, bytes, tag) for the rows of time partition q in each array that
  // has any; the tag names the array and the partition.
  template <class Fn>
  void for_each_slice(int q, Fn fn) const;
  Session& session_;
  const Schedule& s_;
  std::vector<ArrayHandle> arrays_;
  CommScheduler scheduler_;  // every transfer of the ring goes through it
  std::vector<std::vector<CommScheduler::Handle>> sends_;     // per partition
  std::vector<std::vector<CommScheduler::Handle>> receives_;  // per partition
};

// Entries per piece of a block run by the main thread alone, between progress calls.
constexpr std::int64_t kProgressEvery = 1 << 16;

// The loop's Buffers, logging per band while the loop runs (installed by the
// constructor, uninstalled by the destructor, whichever way the loop ends).
class BandBuffers {
 public:
  BandBuffers(const Footprint& footprint, int bands) : buffers_(footprint.buffers()) {
    for (const auto& b : buffers_) b->install(bands);
  }
  ~BandBuffers() {
    for (const auto& b : buffers_) b->uninstall();
  }
  BandBuffers(const BandBuffers&) = delete;
  BandBuffers& operator=(const BandBuffers&) = delete;

  bool any() const { return !buffers_.empty(); }
  // Whether `band` holds max_delay updates in one of the Buffers (it must not start
  // another iteration before the next flush).
  bool full(int band) const {
    for (const auto& b : buffers_) {
      if (b->full(band)) return true;
    }
    return false;
  }
  // Collective: every process's held updates reach every process's copy of the targets.
  void flush(Transport& net) const {
    for (const auto& b : buffers_) b->flush(net);
  }

 private:
  const std::vector<std::shared_ptr<BufferedWrites>>& buffers_;
};

}  // namespace rotation_detail

template <class T, std::size_t N, class Body>
void rotation_2d(Session& session, const weft::SparseArray<T, N>& entries, int space, int time,
                 const Footprint& footprint, Body&& body) {
  using namespace rotation_detail;
  check_arguments(footprint, space, time, N);
  EntriesRecord& record = entries_record(session, entries);
  const std::uint64_t version = weft::detail::RuntimeAccess::residency(entries).version;
  const std::string key = plan_key(space, time, session, footprint);
  std::shared_ptr<Plan<T, N>> plan = record.find_plan<Plan<T, N>>(key, version);
  if (!plan) {
    plan = make_plan(session, entries, space, time, footprint);
    record.store_plan(key, version, plan);
  }
  const Schedule& s = plan->schedule;

  std::vector<Layout> write_layouts;
  std::vector<ArrayHandle> time_arrays;
  for (const auto& w : footprint.writes()) {
    if (w.key_dim == space) {
      write_layouts.push_back(partition_1d_detail::layout_for(s.space_bounds, w.handle));
    } else {
      write_layouts.push_back(home_layout(s, w.handle));
      time_arrays.push_back(w.handle);
    }
  }
  std::vector<Layout> space_layouts(footprint.reads().size());
  std::vector<const std::vector<std::int64_t>*> rows;
  std::vector<const Layout*> owned;
  for (std::size_t i = 0; i < footprint.reads().size(); ++i) {
    const auto& r = footprint.reads()[i];
    rows.push_back(r.key_dim >= 0 ? &plan->read_rows[i] : nullptr);
    if (r.key_dim == space) space_layouts[i] = partition_1d_detail::layout_for(s.space_bounds, r.handle);
    owned.push_back(r.key_dim == space ? &space_layouts[i] : nullptr);
  }

  LoopScope scope(session, "rotation_2d", footprint, write_layouts, rows, owned);
  // One partial value per band (see the schedule above).
  for (const auto& r : footprint.reductions()) r->install(s.workers);
  const auto started = std::chrono::steady_clock::now();
  {
    BandBuffers buffers(footprint, s.workers);
    Ring ring(session, s, time_arrays, plan->tuner.next());
    const weft::Entry<T, N>* data = plan->entries.data();
    const std::int64_t* offsets = plan->block_offsets.data();
    const int me = session.rank();
    // Band a's block of the current wave is [cursor[a], end[a]) (cursor[a]: where it stopped).
    std::vector<std::int64_t> cursor(static_cast<std::size_t>(s.workers)), end(cursor.size());
    // Runs band a's block until `stop` or its end, or until the band holds max_delay
    // buffered updates.
    const auto run_band = [&](int a, std::int64_t stop) {
      std::int64_t i = cursor[static_cast<std::size_t>(a)];
      const std::int64_t last = std::min(stop, end[static_cast<std::size_t>(a)]);
      if (buffers.any()) {
        while (i < last && !buffers.full(a)) body(data[i++]);
      } else {
        for (; i < last; ++i) body(data[i]);
      }
      cursor[static_cast<std::size_t>(a)] = i;
    };
    for (int step = 0; step < s.partitions(); ++step) {
      ring.before_step(step);
      const int q = s.partition_at(me, step);
      for (int wave = 0; wave < s.workers; ++wave) {
        for (int a = 0; a < s.workers; ++a) {
          const std::size_t k = s.block(q, a, (a + wave) % s.workers);
          cursor[static_cast<std::size_t>(a)] = offsets[k];
          end[static_cast<std::size_t>(a)] = offsets[k + 1];
        }
        for (;;) {  // the wave's rounds; one round without Buffers
          if (s.workers == 1) {
            // The main thread alone: run the block in pieces, letting MPI progress between.
            weft::detail::worker_index = 0;
            while (cursor[0] < end[0] && !buffers.full(0)) {
              run_band(0, cursor[0] + kProgressEvery);
              ring.progress();
            }
          } else {
            for_each_block(session, s.workers, [&](std::int64_t a) {
              weft::detail::worker_index = static_cast<int>(a);
              run_band(static_cast<int>(a), end[static_cast<std::size_t>(a)]);
            });
            ring.progress();
          }
          if (!buffers.any()) break;
          buffers.flush(session.transport());
          std::int64_t left = 0;
          for (std::size_t a = 0; a < cursor.size(); ++a) left |= cursor[a] < end[a] ? 1 : 0;
          session.transport().allreduce_max(&left, 1);
          if (left == 0) break;
        }
      }
      ring.after_step(step);
    }
    ring.finish();
  }
  plan->tuner.record(session.transport(), std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                     "rotation_2d");
  scope.finish();
}

}  // namespace weft::rt
