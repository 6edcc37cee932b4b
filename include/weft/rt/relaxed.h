// weft/rt/relaxed.h — the relaxed executor: the loop's only conflicts are writes through
// Buffers (b(i, j) += x) and accumulators, which tolerate bounded staleness.
//
//   weft::Buffer<float, 2> dW(W, weft::apply_add, /*max_delay=*/1000);
//   weft::rt::relaxed(session, R, weft::rt::Footprint().buffer(dW).read(W).reduce(loss),
//                     [&](const weft::Entry<float, 2>& e) { ... dW(u, k) += g; ... });
//
// Schedule: the process's entries (an equal share of a whole R, its slice of a sliced
// one; by partition_1d's plan if the loop also writes arrays directly) are cut into one
// stream per worker. The loop runs in rounds: in a round every worker runs its stream
// until it holds max_delay buffered updates (for any of the loop's Buffers) or its
// stream ends; then every process's held updates are exchanged (an allgather) and
// applied with the Buffer's apply function to every process's copy of the target, in
// the order (process, worker, update). Every copy thus stays identical and whole, and an
// update waits at most until the end of its round: after at most max_delay updates of
// its worker (plus those of the iteration in progress). Reads of the target see the
// values of the last flush. Results depend on the processes and workers, not on timing.
#pragma once

#include <cstdint>
#include <vector>

#include "weft/rt/loop.h"
#include "weft/rt/partition_1d.h"

namespace weft::rt {

namespace relaxed_detail {

// Runs rounds over `streams` worker streams: stream w covers [begin[w], end[w]) of an
// index space run by `step(i)`; returns when every process has finished.
template <class Step>
void run_rounds(Session &session, const Footprint &footprint, std::vector<std::int64_t> cursor,
                const std::vector<std::int64_t> &end, Step &&step) {
  const int streams = static_cast<int>(cursor.size());
  for (;;) {
    std::int64_t left = 0;
    for (int w = 0; w < streams; ++w)
      left += end[w] - cursor[w];
    std::int64_t any_left = left > 0 ? 1 : 0;
    session.transport().allreduce_max(&any_left, 1);
    if (any_left == 0)
      break;
    for_each_block(session, streams, [&](std::int64_t b) {
      const int w = static_cast<int>(b);
      weft::detail::worker_index = w; // the logs and partials are per stream
      std::int64_t &i = cursor[static_cast<std::size_t>(w)];
      const auto full = [&] {
        for (const auto &buf : footprint.buffers()) {
          if (buf->full(w))
            return true;
        }
        return false;
      };
      while (i < end[static_cast<std::size_t>(w)] && !full())
        step(i++);
    });
    for (const auto &buf : footprint.buffers())
      buf->flush(session.transport());
  }
}

} // namespace relaxed_detail

template <class T, std::size_t N, class Body>
void relaxed(Session &session, const weft::SparseArray<T, N> &entries, const Footprint &footprint,
             Body &&body) {
  if (skip_restored_run<Body>(session, "relaxed", footprint, entries))
    return;
  if (footprint.buffers().empty())
    usage_error("relaxed", "the loop writes through no Buffer; use data_parallel");
  const int streams = session.threads();
  std::vector<std::int64_t> begin(static_cast<std::size_t>(streams)),
      end(static_cast<std::size_t>(streams));
  const weft::Entry<T, N> *data = nullptr;
  std::shared_ptr<partition_1d_detail::Plan<T, N>> plan;
  std::vector<Layout> write_layouts;
  std::vector<std::vector<std::int64_t>> read_rows;
  std::vector<const std::vector<std::int64_t> *> rows;
  std::vector<const Layout *> owned(footprint.reads().size(), nullptr);
  if (!footprint.writes().empty()) {
    // Direct writes: iterations partitioned by the written rows' key, like partition_1d;
    // stream w takes consecutive chunks.
    const int dim = footprint.writes().front().key_dim;
    partition_1d_detail::check_write_dims("relaxed", footprint, dim, N);
    plan = partition_1d_detail::cached_plan(session, entries, dim, footprint, "relaxed");
    for (const auto &w : footprint.writes())
      write_layouts.push_back(partition_1d_detail::layout_for(plan->rank_bounds, w));
    const auto &off = plan->chunk_offsets;
    const std::int64_t chunks = static_cast<std::int64_t>(off.size()) - 1;
    for (int w = 0; w < streams; ++w) {
      begin[w] = off[static_cast<std::size_t>(chunks * w / streams)];
      end[w] = off[static_cast<std::size_t>(chunks * (w + 1) / streams)];
    }
    data = plan->entries.data();
    for (std::size_t i = 0; i < footprint.reads().size(); ++i) {
      rows.push_back(footprint.reads()[i].key_dim >= 0 ? &plan->read_rows[i] : nullptr);
    }
  } else {
    EntriesRecord &record = entries_record(session, entries);
    const auto &all = weft::detail::RuntimeAccess::entries(entries);
    std::int64_t b = 0, e = static_cast<std::int64_t>(all.size());
    if (!record.sliced()) {
      const auto bounds = range_bounds(e, session.size());
      b = bounds[session.rank()];
      e = bounds[session.rank() + 1];
    }
    for (int w = 0; w < streams; ++w) {
      begin[w] = b + (e - b) * w / streams;
      end[w] = b + (e - b) * (w + 1) / streams;
    }
    data = all.data();
    read_rows = keyed_read_rows(footprint, all.begin() + b, all.begin() + e);
    for (std::size_t i = 0; i < footprint.reads().size(); ++i) {
      rows.push_back(footprint.reads()[i].key_dim >= 0 ? &read_rows[i] : nullptr);
    }
  }
  LoopScope scope(session, "relaxed", footprint, write_layouts, rows, owned);
  for (const auto &b : footprint.buffers())
    b->install(streams);
  try {
    relaxed_detail::run_rounds(session, footprint, begin, end,
                               [&](std::int64_t i) { body(data[i]); });
  } catch (...) {
    for (const auto &b : footprint.buffers())
      b->uninstall();
    throw;
  }
  for (const auto &b : footprint.buffers())
    b->uninstall();
  scope.finish();
}

// Dense loops: body(i) for i in [range.begin, range.end), cut evenly over processes and
// workers.
template <class Body>
void relaxed(Session &session, IndexRange range, const Footprint &footprint, Body &&body) {
  if (skip_restored_run<Body>(session, "relaxed", footprint, range))
    return;
  if (footprint.buffers().empty())
    usage_error("relaxed", "the loop writes through no Buffer; use data_parallel");
  if (!footprint.writes().empty())
    usage_error("relaxed", "a dense relaxed loop writes only through Buffers");
  const int streams = session.threads();
  const auto bounds = range_bounds(range.end - range.begin, session.size());
  const std::int64_t b = range.begin + bounds[session.rank()],
                     e = range.begin + bounds[session.rank() + 1];
  std::vector<std::int64_t> begin(static_cast<std::size_t>(streams)),
      end(static_cast<std::size_t>(streams));
  for (int w = 0; w < streams; ++w) {
    begin[w] = b + (e - b) * w / streams;
    end[w] = b + (e - b) * (w + 1) / streams;
  }
  std::vector<const std::vector<std::int64_t> *> rows(footprint.reads().size(), nullptr);
  std::vector<const Layout *> owned(footprint.reads().size(), nullptr);
  LoopScope scope(session, "relaxed", footprint, {}, rows, owned);
  for (const auto &buf : footprint.buffers())
    buf->install(streams);
  try {
    relaxed_detail::run_rounds(session, footprint, begin, end, body);
  } catch (...) {
    for (const auto &buf : footprint.buffers())
      buf->uninstall();
    throw;
  }
  for (const auto &buf : footprint.buffers())
    buf->uninstall();
  scope.finish();
}

} // namespace weft::rt
