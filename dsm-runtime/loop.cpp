// LoopScope: the begin and end of a parallel loop under the memory model.
#include "weft/rt/loop.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace weft::rt {

void usage_error(const char *executor, const std::string &what) {
  throw weft::Error(std::string("weft::rt::") + executor + ": " + what);
}

WrittenKeys written_keys(const Footprint &footprint, int dim) {
  WrittenKeys keys;
  for (const auto &w : footprint.writes()) {
    if (w.key_dim != dim)
      continue;
    keys.extent = std::max(keys.extent, key_extent_of_rows(w.map, w.handle.geometry.rows));
    keys.rows = std::max(keys.rows, w.handle.geometry.rows);
  }
  return keys;
}

void check_planned_key(const char *executor, std::size_t dim, std::int64_t key,
                       std::int64_t limit) {
  if (key < limit)
    return;
  usage_error(executor,
              "key[" + std::to_string(dim) + "] reaches " + std::to_string(key) +
                  "; planning keeps one count per key value from 0 up to the largest, "
                  "and takes at most " +
                  std::to_string(limit) +
                  " (2^24, four per entry, or the rows of an array the loop writes): number the "
                  "keys of this dimension from 0 (subtract the smallest when loading)");
}

void Footprint::check_map(const char *what, const RowMap &map) {
  if (map.scale != 1 && map.scale != -1) {
    throw weft::Error(std::string("weft::rt::Footprint::") + what +
                      ": a RowMap's scale must be 1 or -1, got " + std::to_string(map.scale));
  }
}

namespace buffer_detail {
void overflow(std::int64_t capacity) {
  std::fprintf(
      stderr,
      "weft: error: rank %d: one iteration of a parallel loop made more than %lld buffered updates "
      "(raise the Buffer's max_delay)\n",
      world_rank(), static_cast<long long>(capacity));
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 1);
  std::abort();
}
} // namespace buffer_detail

LoopScope::LoopScope(Session &session, const char *executor, const Footprint &footprint,
                     const std::vector<Layout> &write_layouts,
                     const std::vector<const std::vector<std::int64_t> *> &read_rows,
                     const std::vector<const Layout *> &read_layouts)
    : session_(session), footprint_(footprint), write_layouts_(write_layouts) {
  if (!session.on_main_thread())
    usage_error(executor, "called from a thread other than the session's main thread");
  if (!footprint.buffers().empty() && std::string(executor) != "relaxed" &&
      std::string(executor) != "rotation_2d") {
    usage_error(executor, "writes through a Buffer need the relaxed or the rotation_2d executor");
  }
  // Before the loop begins, so that the error leaves the session usable: every process
  // finds the same.
  for (const auto *uses : {&footprint.writes(), &footprint.reads()})
    for (const auto &use : *uses)
      check_same_everywhere(session, use.handle);
  session_.begin_loop();
  try {
    // Buffer targets are written on every process alike: they must be whole.
    for (const auto &b : footprint.buffers()) {
      ArrayRecord *record = existing_record(b->target());
      if (record != nullptr && !record->layout().whole()) {
        record_of(session, b->target()).make_whole();
      } else if (record != nullptr) {
        record->open_for_loop();
      }
    }
    const auto &writes = footprint.writes();
    for (std::size_t i = 0; i < writes.size(); ++i) {
      // An array with no record is whole: it needs no preparation, only a record for
      // the layout the loop gives it.
      ArrayRecord &record = record_of(session, writes[i].handle);
      record.prepare(write_layouts_[i]);
    }
    const auto &reads = footprint.reads();
    for (std::size_t i = 0; i < reads.size(); ++i) {
      ArrayRecord *record = existing_record(reads[i].handle);
      // A record from this session's first loop over the array (whole; every process's
      // copy was found the same above).
      if (record == nullptr || record->session() != &session)
        record = &record_of(session, reads[i].handle);
      if (record->layout().whole())
        continue;
      if (read_layouts[i] != nullptr && *read_layouts[i] == record->layout()) {
        record->open_for_loop();
      } else if (read_rows[i] != nullptr) {
        record->fetch_rows(*read_rows[i]);
      } else {
        record->make_whole();
      }
    }
    for (const auto &r : footprint.reductions())
      r->install(session.threads());
  } catch (...) {
    session_.mark_failed();
    session_.end_loop();
    throw;
  }
}

void LoopScope::finish() {
  session_.end_loop();
  try {
    const auto &writes = footprint_.writes();
    for (std::size_t i = 0; i < writes.size(); ++i) {
      record_of(session_, writes[i].handle).finish(write_layouts_[i], *writes[i].handle.residency);
    }
    for (const auto &use : footprint_.reads()) {
      ArrayRecord *record = existing_record(use.handle);
      if (record != nullptr && record->session() == &session_ && !record->layout().whole()) {
        record->finish(record->layout(), *use.handle.residency);
      }
    }
    for (const auto &r : footprint_.reductions())
      r->combine(session_.transport());
  } catch (...) {
    session_.mark_failed();
    finished_ = true;
    throw;
  }
  finished_ = true;
}

LoopScope::~LoopScope() {
  if (finished_)
    return;
  // The loop threw: the other processes may be waiting for messages from this one.
  session_.mark_failed();
  session_.end_loop();
  for (const auto &r : footprint_.reductions())
    r->uninstall();
}

} // namespace weft::rt
