// weft/rt/data_parallel.h — the data_parallel executor: no two iterations of the loop
// conflict, so any process and any worker may run any iteration; only accumulators
// (acc += x) combine results.
//
//   weft::rt::data_parallel(session, R, weft::rt::Footprint().reduce(sq_err), body);
//       body(const weft::Entry<T, N>& e) for every entry e of R
//   weft::rt::data_parallel(session, weft::rt::IndexRange{0, n}, Footprint().write(Y, 0), body);
//       body(std::int64_t i) for every i in [0, n)
//
// Schedule: with no written array, the entries are cut by count: a process takes an
// equal share of a whole R (or its own slice of a sliced one, with no communication),
// in 4 x threads chunks. If the loop writes arrays, they must all be indexed by the same
// key dimension d (each through its own RowMap), and the loop runs like partition_1d
// over d (see partition_1d.h), so that each process owns the rows it wrote. Accumulators: each
// worker folds into its own partial value starting at weft::reduction_identity, then the partials
// are folded over workers and over processes (an allgather, in rank order) into the accumulator.
#pragma once

#include <cstdint>
#include <vector>

#include "weft/rt/loop.h"
#include "weft/rt/partition_1d.h"

namespace weft::rt {

template <class T, std::size_t N, class Body>
void data_parallel(Session &session, const weft::SparseArray<T, N> &entries,
                   const Footprint &footprint, Body &&body) {
  if (skip_restored_run<Body>(session, "data_parallel", footprint, entries))
    return;
  if (!footprint.writes().empty()) {
    const int dim = footprint.writes().front().key_dim;
    for (const auto &w : footprint.writes()) {
      if (w.key_dim != dim) {
        usage_error("data_parallel",
                    "the written arrays are indexed by different key dimensions (" +
                        std::to_string(dim) + " and " + std::to_string(w.key_dim) +
                        "); no single partition of the entries gives each row one owner");
      }
    }
    partition_1d_detail::check_write_dims("data_parallel", footprint, dim, N);
    const auto plan =
        partition_1d_detail::cached_plan(session, entries, dim, footprint, "data_parallel");
    partition_1d_detail::run(session, "data_parallel", *plan, dim, footprint, body);
    return;
  }
  // Only reads and reductions: every process takes a share of the entries as they lie.
  EntriesRecord &record = entries_record(session, entries);
  const auto &all = weft::detail::RuntimeAccess::entries(entries);
  std::int64_t begin = 0, end = static_cast<std::int64_t>(all.size());
  if (!record.sliced()) {
    const auto bounds = range_bounds(end, session.size());
    begin = bounds[session.rank()];
    end = bounds[session.rank() + 1];
  }
  std::vector<const std::vector<std::int64_t> *> rows;
  std::vector<const Layout *> owned(footprint.reads().size(), nullptr);
  const std::vector<std::vector<std::int64_t>> read_rows =
      keyed_read_rows(footprint, all.begin() + begin, all.begin() + end);
  for (std::size_t i = 0; i < footprint.reads().size(); ++i) {
    rows.push_back(footprint.reads()[i].key_dim >= 0 ? &read_rows[i] : nullptr);
  }
  LoopScope scope(session, "data_parallel", footprint, {}, rows, owned);
  const std::int64_t chunks =
      std::min<std::int64_t>(4 * session.threads(), std::max<std::int64_t>(end - begin, 1));
  const weft::Entry<T, N> *data = all.data();
  for_each_block(session, chunks, [&](std::int64_t c) {
    const std::int64_t b = begin + (end - begin) * c / chunks,
                       e = begin + (end - begin) * (c + 1) / chunks;
    for (std::int64_t i = b; i < e; ++i)
      body(data[i]);
  });
  scope.finish();
}

template <class Body>
void data_parallel(Session &session, IndexRange range, const Footprint &footprint, Body &&body) {
  partition_1d(session, range, footprint, body);
}

} // namespace weft::rt
