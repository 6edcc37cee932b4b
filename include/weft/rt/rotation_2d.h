// weft/rt/rotation_2d.h — the rotation_2d executor (Orion's 2D schedule): no conflict of
// the loop is non-zero in both of two key dimensions, the space dimension a and the time
// dimension b. Iterations with different key[a] and different key[b] may run at once.
//
//   weft::rt::rotation_2d(session, R, /*space*/ 0, /*time*/ 1,
//                         weft::rt::Footprint().write(W, 0).write(H, 1).reduce(sq_err),
//                         [&](const weft::Entry<float, 2>& e) { ... });
//
// Every written array must be indexed by the space or the time dimension (its rows are
// key[a] or key[b], or their images under the array's RowMap, which is one to one, so a
// partition of the keys is one of the rows); reads may name any key dimension (their
// rows are copied in first).
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
//    whole step of slack; the transfers go through the runtime's TransferScheduler
//    (transfer_scheduler.h: --weft-comm-policy, --weft-emulate-link), whose partition and
//    credit are tuned over the first epochs). At any time a partition is at exactly one process,
//    and the space ranges are disjoint: no two processes touch the same row or column at once.
//    After P m steps every partition is back where it started ("home": partitions r m ..
//    r m + m - 1 at process r), so the next rotation_2d over the same entries starts
//    without moving anything.
//  - Inside a process, a second level of blocks over the workers: the space range into G
//    bands, every time partition into G sub-ranges (histogram again), and a step runs G
//    waves; in wave w band i works on sub-range (i + w) mod G, and the G blocks of a wave
//    go to the T workers as they come free. Within a wave no two workers share a row or a
//    column. G = T: smaller blocks cost epochs. Measured on the 10M-rating set at rank 16,
//    1 process x 2 threads, mf-rowadagrad: test RMSE 0.402 after 3 epochs with G = 2,
//    0.496 with G = 4 (2 T); both as fast per epoch (mf: 0.067-0.068 s vs 0.070-0.106 s).
//  - Inside a block, the entries are ordered by cache tiles: ranges of both dimensions
//    whose rows (of all arrays indexed by them) fill Options::cache_bytes (a quarter of a
//    1 MiB L2 cache by default), tile by tile, and in R's order within a tile. The random
//    accesses of a tile then hit the cache. (Tiles grow, by doubling both ranges, where a
//    process would have more tiles than entries: see tile_grid.)
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
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include "weft/rt/comm_scheduler.h"
#include "weft/rt/large_array.h"
#include "weft/rt/loop.h"
#include "weft/rt/partition_1d.h"
#include "weft/rt/transfer_scheduler.h"

namespace weft::rt {

namespace rotation_detail {

// Bands per worker of the second level of blocks (see the schedule above).
constexpr int kBandsPerWorker = 1;

// The schedule that does not depend on the entry type.
struct Schedule {
  int processes = 1;
  int per_rank = 1; // m
  int workers = 1;  // G: bands per dimension inside a process (not the thread count)
  std::vector<std::int64_t> space_bounds;        // P + 1
  std::vector<std::int64_t> time_bounds;         // P m + 1
  std::vector<std::int64_t> worker_space_bounds; // T + 1, within this process's space range
  std::vector<std::vector<std::int64_t>> worker_time_bounds; // per partition: T + 1
  std::int64_t space_tile = 1;                               // rows per cache tile
  std::int64_t time_tile = 1;

  int partitions() const { return processes * per_rank; }
  // Blocks of this process: G x G per time partition.
  std::int64_t blocks() const {
    return static_cast<std::int64_t>(partitions()) * workers * workers;
  }
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
std::int64_t row_bytes_of_dim(const Footprint &footprint, int dim);

void check_arguments(const Footprint &footprint, int space, int time, std::size_t rank);

std::string plan_key(int space, int time, const Session &session, const Footprint &footprint);

// A plan's entry with its keys as offsets from the smallest key of the process's entries
// in each dimension: 12 bytes for a float entry of rank 2 instead of 24. Every epoch
// reads the plan's entries from memory once and planning writes them once, so the bytes
// per entry count in both (figures in docs/design.md, "The rotation_2d executor's plan").
template <class T, std::size_t N> struct PackedEntry {
  std::array<std::uint32_t, N> key;
  T value;
};

template <class T, std::size_t N> struct Plan {
  Schedule schedule;
  // The ring's communication settings, tuned over the first loops of this plan.
  SchedulerTuner tuner{CommScheduler::Settings{}, 0};
  // This process's entries, block by block: packed where the keys of every dimension
  // span less than 2^32 (the planned dimensions always do: planning keeps a count per
  // key), else as they are; the other array is empty.
  LargeArray<PackedEntry<T, N>> packed;
  LargeArray<weft::Entry<T, N>> entries;
  bool is_packed = false;
  std::array<std::int64_t, N> base{};      // a packed key k stands for base[d] + k
  std::vector<std::int64_t> block_offsets; // block k is [block_offsets[k], block_offsets[k + 1])
  std::vector<std::vector<std::int64_t>> read_rows;
  KeyBounds bounds; // of this process's entries' keys

  std::size_t size() const { return is_packed ? packed.size() : entries.size(); }
  // The i-th entry, with its keys.
  weft::Entry<T, N> entry(std::size_t i) const {
    return is_packed ? unpack(packed[i], base) : entries[i];
  }
  // Calls f(entry_at) with entry_at(i) the i-th entry (by value when packed): the loop
  // over the entries is compiled once per form.
  template <class F> void with_entries(F &&f) const {
    if (is_packed) {
      f([p = packed.data(), b = base](std::int64_t i) { return unpack(p[i], b); });
    } else {
      f([w = entries.data()](std::int64_t i) -> const weft::Entry<T, N> & { return w[i]; });
    }
  }
  static weft::Entry<T, N> unpack(const PackedEntry<T, N> &p,
                                  const std::array<std::int64_t, N> &b) {
    weft::Entry<T, N> e;
    for (std::size_t d = 0; d < N; ++d)
      e.key[d] = b[d] + static_cast<std::int64_t>(p.key[d]);
    e.value = p.value;
    return e;
  }
};

// Tile numbers of this process's entries: entry e goes to tile
// space_part[e.key[a] - space_begin] + time_part[e.key[b]], block k holds the tiles
// [k tiles_per_block, (k + 1) tiles_per_block), and tile numbers increase in the order
// the entries run (block, space tile, time tile). Each block gets the grid of the largest
// band's space tiles by the largest sub-range's time tiles, so that the number is a sum
// of one term per key; the tiles a smaller band or sub-range lacks stay empty.
struct TileGrid {
  std::vector<std::int64_t> space_part; // per space key in [space_begin, space_end) (one at least)
  std::vector<std::int64_t> time_part;  // per time key in [0, time extent)
  std::int64_t tiles_per_block = 1;
  std::int64_t tiles = 0; // every block's
};

// The tile grid of schedule `s` (its bounds set) for this process's space range. While
// the grid has more than max(max_tiles, blocks) tiles, s.space_tile and s.time_tile
// double: a tile that holds an entry or less gains nothing, and the planning memory
// stays proportional to the entries, not to the product of the key ranges.
TileGrid tile_grid(Schedule &s, std::int64_t space_begin, std::int64_t space_end,
                   std::int64_t time_extent, std::int64_t max_tiles);

// Runs f(c, begin, end) for the `chunks` consecutive ranges [n c / chunks, n (c + 1) /
// chunks) of [0, n) on the session's workers.
template <class F> void for_each_chunk(Session &session, std::size_t n, int chunks, F &&f) {
  for_each_block(session, chunks, [&](std::int64_t c) {
    const auto k = static_cast<std::size_t>(c), parts = static_cast<std::size_t>(chunks);
    f(k, n * k / parts, n * (k + 1) / parts);
  });
}

// Sums per-chunk histograms into the first, resized to `extent`.
std::vector<std::int64_t> sum_histograms(std::vector<std::vector<std::int64_t>> &per_chunk,
                                         std::int64_t extent);

// The number of the last non-zero count + 1.
std::int64_t used_extent(const std::vector<std::int64_t> &counts);

// Planning: a few passes over millions of entries, each split over the process's workers
// in chunks of consecutive entries (so that a stable order stays stable):
//  1. histograms of key[a] and key[b] over all entries (a whole array: every process
//     counts all of them, with no communication; a sliced one: allreduced), which cut the
//     space and the time dimension;
//  2. the histogram of key[b] over this process's entries (its space range), which cuts
//     the time sub-ranges;
//  3. per chunk, this process's entries per tile; 4. those entries to their places, tile
//     by tile (a stable counting sort).
// A whole array is read in place: the passes skip other processes' entries without a
// branch per entry (for two processes the space range holds a random half of them, and a
// branch would be mispredicted every other entry), and nothing is copied but the plan's
// own entries (fresh memory costs a page fault per page on first touch). A sliced array's
// entries first move to the processes that own them.
template <class T, std::size_t N>
std::shared_ptr<Plan<T, N>> make_plan(Session &session, const weft::SparseArray<T, N> &a, int space,
                                      int time, const Footprint &footprint) {
  using Entry = weft::Entry<T, N>;
  const std::size_t sd = static_cast<std::size_t>(space), td = static_cast<std::size_t>(time);
  EntriesRecord &record = entries_record(session, a);
  const bool sliced = record.sliced();
  auto plan = std::make_shared<Plan<T, N>>();
  Schedule &s = plan->schedule;
  s.processes = session.size();
  s.per_rank = session.size() == 1 ? 1 : session.options().partitions_per_rank;
  s.workers = session.threads() == 1 ? 1 : kBandsPerWorker * session.threads();
  const int me = session.rank();
  const int chunks = session.threads();
  const std::vector<Entry> &all = weft::detail::RuntimeAccess::entries(a);

  // 1. Histograms of all entries, per chunk, grown as larger keys come (up to the limit
  // of planned_key_limit).
  const std::array<WrittenKeys, 2> written{written_keys(footprint, space),
                                           written_keys(footprint, time)};
  const std::array<std::size_t, 2> limit{
      static_cast<std::size_t>(planned_key_limit(all.size(), written[0].rows)),
      static_cast<std::size_t>(planned_key_limit(all.size(), written[1].rows))};
  std::vector<std::vector<std::int64_t>> space_per_chunk(static_cast<std::size_t>(chunks)),
      time_per_chunk(space_per_chunk.size());
  const auto grow = [&](std::vector<std::int64_t> &counts, std::size_t key, int which) {
    check_planned_key("rotation_2d", which == 0 ? sd : td, static_cast<std::int64_t>(key),
                      static_cast<std::int64_t>(limit[which]));
    counts.resize(std::min(std::max(key + 1, 2 * counts.size()), limit[which]));
  };
  for_each_chunk(session, all.size(), chunks,
                 [&](std::size_t c, std::size_t begin, std::size_t end) {
                   std::vector<std::int64_t> &sc = space_per_chunk[c];
                   std::vector<std::int64_t> &tc = time_per_chunk[c];
                   for (std::size_t i = begin; i < end; ++i) {
                     const auto u = static_cast<std::size_t>(all[i].key[sd]),
                                t = static_cast<std::size_t>(all[i].key[td]);
                     if (u >= sc.size())
                       grow(sc, u, 0);
                     if (t >= tc.size())
                       grow(tc, t, 1);
                     ++sc[u];
                     ++tc[t];
                   }
                 });
  std::array<std::int64_t, 2> extent{0, 0}; // space, time
  for (int c = 0; c < chunks; ++c) {
    extent[0] = std::max(extent[0], used_extent(space_per_chunk[static_cast<std::size_t>(c)]));
    extent[1] = std::max(extent[1], used_extent(time_per_chunk[static_cast<std::size_t>(c)]));
  }
  for (int which = 0; which < 2; ++which) {
    auto &x = extent[static_cast<std::size_t>(which)];
    x = std::max(x, written[static_cast<std::size_t>(which)].extent);
    check_planned_key("rotation_2d", which == 0 ? sd : td, x - 1,
                      static_cast<std::int64_t>(limit[static_cast<std::size_t>(which)]));
  }
  if (sliced)
    session.transport().allreduce_max(extent.data(), 2);
  std::vector<std::int64_t> space_counts = sum_histograms(space_per_chunk, extent[0]);
  std::vector<std::int64_t> time_counts = sum_histograms(time_per_chunk, extent[1]);
  if (sliced) {
    session.transport().allreduce_sum(space_counts.data(), static_cast<int>(space_counts.size()));
    session.transport().allreduce_sum(time_counts.data(), static_cast<int>(time_counts.size()));
  }
  s.space_bounds = histogram_bounds(space_counts, s.processes);
  s.time_bounds = histogram_bounds(time_counts, s.partitions());
  const std::int64_t space_begin = s.space_bounds[me], space_end = s.space_bounds[me + 1];
  const auto width = static_cast<std::uint64_t>(space_end - space_begin);
  const std::int64_t count = std::accumulate(space_counts.begin() + space_begin,
                                             space_counts.begin() + space_end, std::int64_t{0});

  // 2. The entries of this process's space range are among `source`, in R's order.
  std::vector<Entry> received;
  if (sliced) {
    received = entries_for_rank(session, a, true,
                                [&](const Entry &e) { return part_of(s.space_bounds, e.key[sd]); });
  }
  const Entry *source = sliced ? received.data() : all.data();
  const std::size_t source_size = sliced ? received.size() : all.size();
  // Whether source entry e is this process's, without a branch (e.key[a] - space_begin
  // wraps around below space_begin).
  const auto in_range = [&](const Entry &e) {
    return static_cast<std::uint64_t>(e.key[sd] - space_begin) < width;
  };
  std::vector<std::int64_t> my_time;
  if (!sliced && s.processes == 1) {
    my_time = time_counts;
  } else {
    std::vector<std::vector<std::int64_t>> time_chunks(static_cast<std::size_t>(chunks));
    for_each_chunk(session, source_size, chunks,
                   [&](std::size_t c, std::size_t begin, std::size_t end) {
                     std::vector<std::int64_t> &tc = time_chunks[c];
                     tc.assign(static_cast<std::size_t>(extent[1]), 0);
                     for (std::size_t i = begin; i < end; ++i)
                       tc[static_cast<std::size_t>(source[i].key[td])] += in_range(source[i]);
                   });
    my_time = sum_histograms(time_chunks, extent[1]);
  }

  // The bounds of this process's keys: in the two dimensions, where its histograms start
  // and end (no pass over the entries); other dimensions after the entries are placed.
  plan->bounds =
      KeyBounds{std::vector<std::int64_t>(N, INT64_MAX), std::vector<std::int64_t>(N, INT64_MIN)};
  const auto bound = [&](std::size_t d, const std::vector<std::int64_t> &counts, std::int64_t first,
                         std::int64_t last) {
    for (std::int64_t k = first; k < last; ++k) {
      if (counts[static_cast<std::size_t>(k)] != 0) {
        plan->bounds.lo[d] = std::min(plan->bounds.lo[d], k);
        plan->bounds.hi[d] = k;
      }
    }
  };
  bound(sd, space_counts, space_begin, space_end);
  bound(td, my_time, 0, extent[1]);

  // Worker ranges: the space counts of this process's range are its own entries' counts.
  s.worker_space_bounds = histogram_bounds_within(space_counts, space_begin, space_end, s.workers);
  for (int q = 0; q < s.partitions(); ++q) {
    s.worker_time_bounds.push_back(
        histogram_bounds_within(my_time, s.time_bounds[q], s.time_bounds[q + 1], s.workers));
  }
  plan->tuner = SchedulerTuner(
      CommScheduler::Settings{session.options().partition_bytes, session.options().credit_bytes},
      s.processes > 1 ? session.options().comm_tuning_loops : 0);
  s.space_tile = tile_rows(session.options().cache_bytes, row_bytes_of_dim(footprint, space));
  s.time_tile = tile_rows(session.options().cache_bytes, row_bytes_of_dim(footprint, time));
  const TileGrid grid = tile_grid(s, space_begin, space_end, extent[1], count);
  const std::size_t tiles = static_cast<std::size_t>(grid.tiles);
  const std::int64_t *space_part = grid.space_part.data();
  const std::int64_t *time_part = grid.time_part.data();
  // The tile of source entry e, or `tiles` for another process's entry.
  const auto tile_of = [&](const Entry &e) {
    const bool in = in_range(e);
    const std::size_t t = static_cast<std::size_t>(space_part[in ? e.key[sd] - space_begin : 0] +
                                                   time_part[e.key[td]]);
    return in ? t : tiles;
  };

  // 3. Entries per tile and chunk; chunk c's entries of a tile go after chunk c - 1's.
  std::vector<std::vector<std::int64_t>> next(static_cast<std::size_t>(chunks));
  for_each_chunk(session, source_size, chunks,
                 [&](std::size_t c, std::size_t begin, std::size_t end) {
                   std::vector<std::int64_t> &n = next[c];
                   n.assign(tiles + 1, 0);
                   for (std::size_t i = begin; i < end; ++i)
                     ++n[tile_of(source[i])];
                 });
  const auto blocks = static_cast<std::size_t>(s.blocks());
  plan->block_offsets.resize(blocks + 1);
  std::int64_t offset = 0;
  for (std::size_t t = 0; t < tiles; ++t) {
    if (t % static_cast<std::size_t>(grid.tiles_per_block) == 0) {
      plan->block_offsets[t / static_cast<std::size_t>(grid.tiles_per_block)] = offset;
    }
    for (auto &n : next) {
      const std::int64_t here = n[t];
      n[t] = offset;
      offset += here;
    }
  }
  plan->block_offsets[blocks] = offset;

  if constexpr (N > 2) {
    const KeyBounds all_dims = key_bounds(source, source + source_size, N, in_range);
    for (std::size_t d = 0; d < N; ++d) {
      if (d != sd && d != td) {
        plan->bounds.lo[d] = all_dims.lo[d];
        plan->bounds.hi[d] = all_dims.hi[d];
      }
    }
  }
  for (const auto &r : footprint.reads()) {
    plan->read_rows.push_back(r.key_dim >= 0
                                  ? distinct_rows(source, source + source_size, r, in_range)
                                  : std::vector<std::int64_t>{});
  }

  // 4. The entries to their places (another process's entry to a scratch entry), packed
  // where the keys allow.
  plan->is_packed = true;
  for (std::size_t d = 0; d < N && count > 0; ++d) {
    plan->base[d] = plan->bounds.lo[d];
    plan->is_packed &= static_cast<std::uint64_t>(plan->bounds.hi[d] - plan->bounds.lo[d]) <=
                       std::uint64_t{UINT32_MAX};
  }
  const auto place = [&](auto *out, auto convert) {
    for_each_chunk(session, source_size, chunks,
                   [&](std::size_t c, std::size_t begin, std::size_t end) {
                     std::int64_t *n = next[c].data();
                     std::remove_pointer_t<decltype(out)> discard;
                     for (std::size_t i = begin; i < end; ++i) {
                       const std::size_t t = tile_of(source[i]);
                       const std::int64_t at = n[t]++;
                       *(t < tiles ? out + at : &discard) = convert(source[i]);
                     }
                   });
  };
  if (plan->is_packed) {
    plan->packed = LargeArray<PackedEntry<T, N>>(static_cast<std::size_t>(count));
    place(plan->packed.data(), [b = plan->base](const Entry &e) {
      PackedEntry<T, N> p;
      for (std::size_t d = 0; d < N; ++d)
        p.key[d] = static_cast<std::uint32_t>(e.key[d] - b[d]); // wraps for another's entry
      p.value = e.value;
      return p;
    });
  } else {
    plan->entries = LargeArray<Entry>(static_cast<std::size_t>(count));
    place(plan->entries.data(), [](const Entry &e) -> const Entry & { return e; });
  }
  return plan;
}

// The home layout of a time-indexed array: the rows of partitions r m .. r m + m - 1
// (the rows their keys name through use.map, part_rows) at process r.
Layout home_layout(const Schedule &s, const Footprint::Use &use);

// Moves time partitions around the ring: posts and completes the transfers of one
// rotation_2d loop (non-template: rows are bytes).
class Ring {
public:
  Ring(Session &session, const Schedule &schedule, const std::vector<Footprint::Use> &time_arrays,
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
  template <class Fn> void for_each_slice(int q, Fn fn) const;
  Session &session_;
  const Schedule &s_;
  std::vector<ArrayHandle> arrays_;
  std::vector<std::vector<RowRange>> slices_; // per array, the rows of each time partition
  TransferScheduler scheduler_;               // every transfer of the ring goes through it
  std::vector<std::vector<TransferScheduler::Handle>> sends_;    // per partition
  std::vector<std::vector<TransferScheduler::Handle>> receives_; // per partition
};

// Entries per piece of a block run by the main thread alone, between progress calls.
constexpr std::int64_t kProgressEvery = 1 << 16;

// The loop's Buffers, logging per band while the loop runs (installed by the
// constructor, uninstalled by the destructor, whichever way the loop ends).
class BandBuffers {
public:
  BandBuffers(const Footprint &footprint, int bands) : buffers_(footprint.buffers()) {
    for (const auto &b : buffers_)
      b->install(bands);
  }
  ~BandBuffers() {
    for (const auto &b : buffers_)
      b->uninstall();
  }
  BandBuffers(const BandBuffers &) = delete;
  BandBuffers &operator=(const BandBuffers &) = delete;

  bool any() const { return !buffers_.empty(); }
  // Whether `band` holds max_delay updates in one of the Buffers (it must not start
  // another iteration before the next flush).
  bool full(int band) const {
    for (const auto &b : buffers_) {
      if (b->full(band))
        return true;
    }
    return false;
  }
  // Collective: every process's held updates reach every process's copy of the targets.
  void flush(Transport &net) const {
    for (const auto &b : buffers_)
      b->flush(net);
  }

private:
  const std::vector<std::shared_ptr<BufferedWrites>> &buffers_;
};

} // namespace rotation_detail

template <class T, std::size_t N, class Body>
void rotation_2d(Session &session, const weft::SparseArray<T, N> &entries, int space, int time,
                 const Footprint &footprint, Body &&body) {
  if (skip_restored_run<Body>(session, "rotation_2d", footprint, entries))
    return;
  using namespace rotation_detail;
  check_arguments(footprint, space, time, N);
  EntriesRecord &record = entries_record(session, entries);
  const std::uint64_t version = entries_version(entries);
  const std::string key = plan_key(space, time, session, footprint);
  std::shared_ptr<Plan<T, N>> plan = record.find_plan<Plan<T, N>>(key, version);
  if (!plan) {
    plan = make_plan(session, entries, space, time, footprint);
    record.store_plan(key, version, plan);
  }
  const Schedule &s = plan->schedule;

  std::vector<Layout> write_layouts;
  std::vector<Footprint::Use> time_arrays;
  for (const auto &w : footprint.writes()) {
    if (w.key_dim == space) {
      write_layouts.push_back(partition_1d_detail::layout_for(s.space_bounds, w));
    } else {
      write_layouts.push_back(home_layout(s, w));
      time_arrays.push_back(w);
    }
  }
  std::vector<Layout> space_layouts(footprint.reads().size());
  std::vector<const std::vector<std::int64_t> *> rows;
  std::vector<const Layout *> owned;
  for (std::size_t i = 0; i < footprint.reads().size(); ++i) {
    const auto &r = footprint.reads()[i];
    rows.push_back(r.key_dim >= 0 ? &plan->read_rows[i] : nullptr);
    if (r.key_dim == space)
      space_layouts[i] = partition_1d_detail::layout_for(s.space_bounds, r);
    owned.push_back(r.key_dim == space ? &space_layouts[i] : nullptr);
  }

  LoopScope scope(session, "rotation_2d", footprint, write_layouts, rows, owned);
  // One partial value per band (see the schedule above).
  for (const auto &r : footprint.reductions())
    r->install(s.workers);
  const auto started = std::chrono::steady_clock::now();
  {
    BandBuffers buffers(footprint, s.workers);
    Ring ring(session, s, time_arrays, plan->tuner.next());
    plan->with_entries([&](const auto &entry_at) {
      const std::int64_t *offsets = plan->block_offsets.data();
      const int me = session.rank();
      // Band a's block of the current wave is [cursor[a], end[a]) (cursor[a]: where it stopped).
      std::vector<std::int64_t> cursor(static_cast<std::size_t>(s.workers)), end(cursor.size());
      // Runs band a's block until `stop` or its end, or until the band holds max_delay
      // buffered updates.
      const auto run_band = [&](int a, std::int64_t stop) {
        std::int64_t i = cursor[static_cast<std::size_t>(a)];
        const std::int64_t last = std::min(stop, end[static_cast<std::size_t>(a)]);
        if (buffers.any()) {
          while (i < last && !buffers.full(a)) {
            auto &&e = entry_at(i++); // an lvalue, as the loop's variable is
            body(e);
          }
        } else {
          for (; i < last; ++i) {
            auto &&e = entry_at(i);
            body(e);
          }
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
          for (;;) { // the wave's rounds; one round without Buffers
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
            if (!buffers.any())
              break;
            buffers.flush(session.transport());
            std::int64_t left = 0;
            for (std::size_t a = 0; a < cursor.size(); ++a)
              left |= cursor[a] < end[a] ? 1 : 0;
            session.transport().allreduce_max(&left, 1);
            if (left == 0)
              break;
          }
        }
        ring.after_step(step);
      }
    });
    ring.finish();
  }
  plan->tuner.record(
      session.transport(),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
      "rotation_2d");
  scope.finish();
}

} // namespace weft::rt
