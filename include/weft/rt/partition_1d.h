// weft/rt/partition_1d.h — the partition_1d executor: every conflict of the loop has
// distance 0 in one dimension d, so iterations that share key[d] (or, for a dense loop,
// the loop index) must run one after another, and iterations with different key[d] may
// run at once.
//
//   weft::rt::partition_1d(session, R, /*dim*/ 0, weft::rt::Footprint().write(W, 0), body);
//       body(const weft::Entry<T, N>& e) for every entry e of R
//   weft::rt::partition_1d(session, weft::rt::IndexRange{0, n}, Footprint().write(A, 0), body);
//       body(std::int64_t i) for every i in [0, n)
//
// Schedule: key[d] is cut into one range per process by histogram (each process gets
// about the same number of entries; a dense range is cut evenly), each process's range
// into 4 x threads chunks the same way, and a chunk runs on one worker, its entries in
// their order in R. So every value of key[d] belongs to one worker of one process for the
// whole loop: the loop is serializable, and every written array's rows (named by key[d],
// which partition_1d checks, directly or through the array's RowMap, which is one to
// one) are owned by the process that wrote them. After the loop each written array is
// partitioned by the rows its keys name (part_rows); a later partition_1d over the same
// entries, dimension and maps finds it so and moves no data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "weft/rt/loop.h"

namespace weft::rt {

namespace partition_1d_detail {

// The schedule of a partition_1d (or data_parallel) loop over a SparseArray on this
// process: its entries grouped by chunk.
template <class T, std::size_t N> struct Plan {
  std::vector<std::int64_t> rank_bounds; // key[dim] range of each process
  std::vector<std::int64_t>
      chunk_offsets; // chunk c is entries[chunk_offsets[c], chunk_offsets[c + 1])
  std::vector<weft::Entry<T, N>> entries;
  std::vector<std::vector<std::int64_t>> read_rows; // per Footprint read with a key dim
};

// The rows of use's array each process owns when process k runs keys [bounds[k],
// bounds[k + 1]): the rows they name through use.map (part_rows).
Layout layout_for(const std::vector<std::int64_t> &bounds, const Footprint::Use &use);

// "d=0;P=2;t=4;rows=100,200;reads=1,-1" — what a cached plan depends on besides the entries.
std::string plan_key(const char *executor, int dim, const Session &session,
                     const Footprint &footprint);

// Chunk bounds (absolute key values) of this process's range [begin, end).
std::vector<std::int64_t> chunk_bounds(const std::vector<std::int64_t> &counts, std::int64_t begin,
                                       std::int64_t end, int chunks);

// `entries` reordered so that each chunk's entries are consecutive (in their order);
// offsets[c] is where chunk c starts.
template <class T, std::size_t N, class ChunkOf>
std::vector<weft::Entry<T, N>> group_by_chunk(const std::vector<weft::Entry<T, N>> &entries,
                                              int chunks, ChunkOf &&chunk_of,
                                              std::vector<std::int64_t> &offsets) {
  offsets.assign(static_cast<std::size_t>(chunks) + 1, 0);
  std::vector<int> chunk(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    chunk[i] = chunk_of(entries[i]);
    ++offsets[static_cast<std::size_t>(chunk[i]) + 1];
  }
  for (int c = 0; c < chunks; ++c)
    offsets[c + 1] += offsets[c];
  std::vector<std::int64_t> next(offsets.begin(), offsets.end() - 1);
  std::vector<weft::Entry<T, N>> out(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i)
    out[static_cast<std::size_t>(next[chunk[i]]++)] = entries[i];
  return out;
}

template <class T, std::size_t N>
std::shared_ptr<Plan<T, N>> make_plan(Session &session, const weft::SparseArray<T, N> &a, int dim,
                                      const Footprint &footprint) {
  EntriesRecord &record = entries_record(session, a);
  const bool sliced = record.sliced();
  auto plan = std::make_shared<Plan<T, N>>();
  const WrittenKeys written = written_keys(footprint, dim); // every write is by `dim`
  const std::int64_t extent =
      std::max(key_extents(session, a, sliced)[static_cast<std::size_t>(dim)], written.extent);
  check_planned_key(
      "partition_1d", static_cast<std::size_t>(dim), extent - 1,
      planned_key_limit(weft::detail::RuntimeAccess::entries(a).size(), written.rows));
  const std::vector<std::int64_t> counts =
      key_histogram(session, a, static_cast<std::size_t>(dim), extent, sliced);
  plan->rank_bounds = histogram_bounds(counts, session.size());
  const auto &rb = plan->rank_bounds;
  std::vector<weft::Entry<T, N>> mine =
      entries_for_rank(session, a, sliced, [&](const weft::Entry<T, N> &e) {
        return part_of(rb, e.key[static_cast<std::size_t>(dim)]);
      });
  const int chunks = 4 * session.threads();
  const std::vector<std::int64_t> cb =
      chunk_bounds(counts, rb[session.rank()], rb[session.rank() + 1], chunks);
  plan->entries = group_by_chunk(
      mine, chunks,
      [&](const weft::Entry<T, N> &e) { return part_of(cb, e.key[static_cast<std::size_t>(dim)]); },
      plan->chunk_offsets);
  for (const auto &r : footprint.reads()) {
    plan->read_rows.push_back(r.key_dim >= 0
                                  ? distinct_rows(plan->entries.begin(), plan->entries.end(), r)
                                  : std::vector<std::int64_t>{});
  }
  return plan;
}

template <class T, std::size_t N>
std::shared_ptr<Plan<T, N>> cached_plan(Session &session, const weft::SparseArray<T, N> &a, int dim,
                                        const Footprint &footprint, const char *executor) {
  EntriesRecord &record = entries_record(session, a);
  const std::uint64_t version = entries_version(a);
  const std::string key = plan_key(executor, dim, session, footprint);
  if (auto plan = record.find_plan<Plan<T, N>>(key, version))
    return plan;
  auto plan = make_plan(session, a, dim, footprint);
  record.store_plan(key, version, plan);
  return plan;
}

// Runs the loop of `plan` under the memory model.
template <class T, std::size_t N, class Body>
void run(Session &session, const char *executor, const Plan<T, N> &plan, int dim,
         const Footprint &footprint, Body &body) {
  std::vector<Layout> write_layouts;
  for (const auto &w : footprint.writes())
    write_layouts.push_back(layout_for(plan.rank_bounds, w));
  std::vector<Layout> same_partition(footprint.reads().size());
  std::vector<const std::vector<std::int64_t> *> rows;
  std::vector<const Layout *> owned;
  for (std::size_t i = 0; i < footprint.reads().size(); ++i) {
    const auto &r = footprint.reads()[i];
    rows.push_back(r.key_dim >= 0 ? &plan.read_rows[i] : nullptr);
    if (r.key_dim == dim)
      same_partition[i] = layout_for(plan.rank_bounds, r);
    owned.push_back(r.key_dim == dim ? &same_partition[i] : nullptr);
  }
  LoopScope scope(session, executor, footprint, write_layouts, rows, owned);
  const auto &offsets = plan.chunk_offsets;
  const weft::Entry<T, N> *entries = plan.entries.data();
  for_each_block(session, static_cast<std::int64_t>(offsets.size()) - 1, [&](std::int64_t c) {
    for (std::int64_t i = offsets[c]; i < offsets[c + 1]; ++i)
      body(entries[i]);
  });
  scope.finish();
}

void check_write_dims(const char *executor, const Footprint &footprint, int dim, std::size_t rank);

} // namespace partition_1d_detail

template <class T, std::size_t N, class Body>
void partition_1d(Session &session, const weft::SparseArray<T, N> &entries, int dim,
                  const Footprint &footprint, Body &&body) {
  if (skip_restored_run<Body>(session, "partition_1d", footprint, entries))
    return;
  partition_1d_detail::check_write_dims("partition_1d", footprint, dim, N);
  const auto plan =
      partition_1d_detail::cached_plan(session, entries, dim, footprint, "partition_1d");
  partition_1d_detail::run(session, "partition_1d", *plan, dim, footprint, body);
}

// Dense loops: [range.begin, range.end) cut evenly over processes and chunks; written
// arrays' rows are the loop index (through their RowMaps).
template <class Body>
void partition_1d(Session &session, IndexRange range, const Footprint &footprint, Body &&body) {
  if (skip_restored_run<Body>(session, "partition_1d", footprint, range))
    return;
  partition_1d_detail::check_write_dims("partition_1d", footprint, 0, 1);
  std::vector<std::int64_t> bounds = range_bounds(range.end - range.begin, session.size());
  for (auto &b : bounds)
    b += range.begin;
  std::vector<Layout> write_layouts;
  for (const auto &w : footprint.writes())
    write_layouts.push_back(partition_1d_detail::layout_for(bounds, w));
  std::vector<Layout> same_partition;
  std::vector<const std::vector<std::int64_t> *> rows;
  std::vector<const Layout *> owned;
  std::vector<std::vector<std::int64_t>> read_rows;
  const std::int64_t lo = bounds[session.rank()], hi = bounds[session.rank() + 1];
  for (const auto &r : footprint.reads()) {
    same_partition.push_back(partition_1d_detail::layout_for(bounds, r));
    std::vector<std::int64_t> own;
    if (r.key_dim == 0 && hi > lo) {
      const RowRange mine = rows_of_keys(r.map, lo, hi);
      // Rows outside the array are never read: the body guards such an access.
      for (std::int64_t i = std::max<std::int64_t>(0, mine.begin);
           i < std::min(mine.end, r.handle.geometry.rows); ++i)
        own.push_back(i);
    }
    read_rows.push_back(std::move(own));
  }
  for (std::size_t i = 0; i < footprint.reads().size(); ++i) {
    const bool indexed = footprint.reads()[i].key_dim == 0;
    rows.push_back(indexed ? &read_rows[i] : nullptr);
    owned.push_back(indexed ? &same_partition[i] : nullptr);
  }
  LoopScope scope(session, "partition_1d", footprint, write_layouts, rows, owned);
  const std::int64_t chunks =
      std::min<std::int64_t>(4 * session.threads(), std::max<std::int64_t>(hi - lo, 1));
  for_each_block(session, chunks, [&](std::int64_t c) {
    const std::int64_t b = lo + (hi - lo) * c / chunks, e = lo + (hi - lo) * (c + 1) / chunks;
    for (std::int64_t i = b; i < e; ++i)
      body(i);
  });
  scope.finish();
}

} // namespace weft::rt
