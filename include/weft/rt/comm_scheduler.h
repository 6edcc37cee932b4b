// weft/rt/comm_scheduler.h — the communication scheduler of DESIGN section 5
// (ByteScheduler's idea) for the runtime's point-to-point transfers.
//
// A transfer is cut into partitions of Settings::partition_bytes; send partitions wait in
// a queue ordered by priority (lower first: the data needed first goes first) and then
// by arrival, and are released while the bytes in flight stay within
// Settings::credit_bytes (one partition always may go, so nothing starves). Receives are
// posted at once, cut the same way (both sides use the same settings). Partitions of one
// transfer leave in order, so MPI's non-overtaking rule matches them in order under one
// tag. Every wait of the thread that made the scheduler (any Transport operation) also
// progresses it (WaitProgress in mpi.h), so queued partitions leave while their process
// waits for something else.
//
// Tuner: an executor that runs the same loop again and again (rotation_2d, every epoch)
// tries a few settings, one loop each, within a budget of loops, then keeps the fastest
// (the slowest process's time decides; every process chooses alike) and logs the choice
// once. The settings change only when and how bytes move, never the results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "weft/rt/comm_tuner.h"
#include "weft/rt/mpi.h"

namespace weft::rt {

class CommScheduler {
public:
  struct Settings {
    std::int64_t partition_bytes = std::int64_t{4} << 20;
    std::int64_t credit_bytes = std::int64_t{16} << 20;
  };
  using Handle = std::size_t;

  CommScheduler(Transport &net, Settings settings);
  ~CommScheduler();
  CommScheduler(const CommScheduler &) = delete;
  CommScheduler &operator=(const CommScheduler &) = delete;

  Handle send(const std::byte *data, std::int64_t bytes, int to, int tag, std::int64_t priority);
  Handle receive(std::byte *data, std::int64_t bytes, int from, int tag);
  // Completes what has arrived or left and releases queued partitions within the credit.
  void progress();
  // Until every partition of `h` has completed (other transfers progress meanwhile).
  void wait(Handle h);
  void wait_all();
  bool done(Handle h) const { return transfers_[h].remaining == 0; }
  const Settings &settings() const { return settings_; }

private:
  struct Piece {
    const std::byte *data;
    std::int64_t bytes;
    int peer;
    int tag;
    std::int64_t priority;
    std::uint64_t order;
    Handle owner;
  };
  // Heap order: the piece to send first (lowest priority value, then earliest) on top.
  struct Later {
    bool operator()(const Piece &a, const Piece &b) const {
      return a.priority != b.priority ? a.priority > b.priority : a.order > b.order;
    }
  };
  struct InFlight {
    Request request;
    std::int64_t bytes;
    Handle owner;
    bool is_send;
  };
  struct Transfer {
    int remaining = 0;
  };
  void release();

  Transport &net_;
  Settings settings_;
  std::vector<Transfer> transfers_;
  std::vector<Piece> queue_; // a heap: lowest (priority, order) on top
  std::vector<InFlight> in_flight_;
  std::int64_t sending_bytes_ = 0;
  std::uint64_t order_ = 0;
  // Last, so that it deregisters first: every wait of this thread progresses the queue.
  WaitProgress progress_while_waiting_{[this] { progress(); }};
};

// Picks CommScheduler settings for a loop that runs many times: the first loop runs with
// the given settings and is not timed (it pays for cold caches and pages, and for
// processes that reach the loop late); the next `budget` loops are the probes of a
// CommTuner (comm_tuner.h: Bayesian optimization of partition and credit, seeded by the
// link's profile when it is measured, else by `given`), later loops use its choice.
class SchedulerTuner {
public:
  // budget 0: always `given`.
  SchedulerTuner(CommScheduler::Settings given, int budget, LinkProfile link = {});
  // The settings for the next loop.
  CommScheduler::Settings next() const;
  // After that loop: its time on this process. Collective while tuning (every process
  // records the same loop; the slowest time counts), so that all choose alike. `what`
  // names the loop for the log (rank 0 writes it).
  void record(Transport &net, double seconds, const char *what);
  // The link's bandwidth as measured now on this process; collective (the lowest counts).
  // More than 20% away from the bandwidth the settings were tuned at: tuning starts again.
  void report_bandwidth(Transport &net, double bytes_per_second, const char *what);
  bool tuning() const { return warm_ ? tuner_.tuning() : budget_ > 0; }

private:
  CommScheduler::Settings given_;
  int budget_;
  CommTuner tuner_;
  bool warm_ = false; // the first loop has run
};

} // namespace weft::rt
