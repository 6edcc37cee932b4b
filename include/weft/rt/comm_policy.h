// weft/rt/comm_policy.h — which bytes go next: the scheduling core of DESIGN section 5,
// free of MPI (the simulator of comm_simulate.h and the TransferScheduler of
// transfer_scheduler.h both drive it).
//
// A task is a tensor (or a message) that became ready: (id, bytes, priority), and the
// policy numbers tasks in the order they became ready (arrival). The caller asks next()
// whenever something may go (a task became ready, bytes completed, the clock reached
// wake_time()) and puts on the wire what it gets, in order, until next() says nothing.
//
// Policy "priority" (ByteScheduler): a task larger than partition_bytes is cut into
// chunks of partition_bytes (views (offset, length) of the task: no copy). Each next()
// gives the chunk with the least key (priority, arrival, offset) among the ready ones
// (a continuation's key is (priority, its task's arrival, position))
// not yet given: lower priority values go first, so a task that becomes ready later
// with a smaller priority overtakes the rest of a larger one at the next chunk
// boundary. Credit: with B bytes given and not yet completed,
//     a chunk of c bytes goes iff B == 0 or B + c <= credit_bytes,
// so B <= credit_bytes after every event, and since credit_bytes >= partition_bytes
// (raised if given smaller) the least chunk always goes once the link drains: nothing
// deadlocks. With partition = credit = infinity, every task goes whole at once, in
// ready order (FIFO).
//
// The baselines of the same runtime, for comparison (all without credit):
//   "fifo"     each task whole, in ready order, as soon as it is ready (no scheduling).
//   "buckets"  PyTorch DDP: the tasks of plan(), in reverse (backward) order, fill
//              buckets of bucket_bytes (the first of first_bucket_bytes; a bucket closes
//              once it reaches its size); a bucket goes, as one message, when all its
//              tasks are ready and the buckets before it have gone. Tasks not in the
//              plan go as "fifo".
//   "fusion"   Horovod: every fusion_cycle_seconds (at multiples of it), the tasks
//              ready since the last cycle go, in ready order, fused into messages of up
//              to fusion_bytes (a larger task alone).
// A message of several tasks is a CommDispatch of several pieces, in message order.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "weft/detail/error.h"

namespace weft::rt {

enum class PolicyKind { Priority, Fifo, Buckets, Fusion };

// "priority", "fifo", "buckets", "fusion".
const char *policy_name(PolicyKind kind);
// The kind named `name`; a weft::Error listing the names otherwise.
PolicyKind parse_policy_kind(const std::string &name);

struct PolicySettings {
  PolicyKind kind = PolicyKind::Priority;
  // priority: chunk size and bytes in flight (credit raised to one partition if smaller).
  std::int64_t partition_bytes = std::int64_t{4} << 20;
  std::int64_t credit_bytes = std::int64_t{16} << 20;
  // buckets: PyTorch DDP's defaults (bucket_cap_mb = 25, the first bucket 1 MiB).
  std::int64_t bucket_bytes = std::int64_t{25} << 20;
  std::int64_t first_bucket_bytes = std::int64_t{1} << 20;
  // fusion: Horovod's defaults (HOROVOD_FUSION_THRESHOLD, HOROVOD_CYCLE_TIME).
  std::int64_t fusion_bytes = std::int64_t{64} << 20;
  double fusion_cycle_seconds = 0.005;
};

// The priority of stage-boundary activations and gradients: ahead of everything else.
constexpr std::int64_t kCriticalPriority = std::numeric_limits<std::int64_t>::min();

// Partition and credit that never split nor hold back anything.
constexpr std::int64_t kUnlimitedBytes = std::numeric_limits<std::int64_t>::max() / 4;

struct CommTask {
  std::int64_t id = 0;       // the caller's name for it; unique among the unfinished ones
  std::int64_t bytes = 0;    // >= 0
  std::int64_t priority = 0; // lower goes first
  // A continuation of an earlier task (the sums of an all-reduce chunk, sent once the
  // chunk's first half has arrived) ranks as byte `position` of the task with arrival
  // `arrival` (what ready() returned for it), so that it goes before that task's later
  // chunks; -1: a new arrival.
  std::int64_t arrival = -1;
  std::int64_t position = 0;
};

// Bytes [offset, offset + length) of task `task`.
struct CommPiece {
  std::int64_t task = 0;
  std::int64_t offset = 0;
  std::int64_t length = 0;
};

// One message: its pieces in order.
struct CommDispatch {
  std::vector<CommPiece> pieces;
  std::int64_t bytes = 0;       // sum of the pieces' lengths
  std::int64_t priority = 0;    // of the first piece's task
  std::uint64_t arrival = 0;    // of the first piece's task (0 for the first ready task)
};

class CommPolicy {
public:
  virtual ~CommPolicy() = default;

  // The tasks one step will make ready, in forward layer order (only "buckets" uses it).
  // A weft::Error for a negative size or a repeated id.
  virtual void plan(const std::vector<CommTask> &forward_order) { (void)forward_order; }

  // `task` is ready at time `now` (seconds, non-decreasing over calls); returns its
  // arrival. A weft::Error for a negative size or an id that is still unfinished.
  std::uint64_t ready(const CommTask &task, double now);
  // What goes next at time `now`, or nothing (nothing ready, the credit is spent, or a
  // fusion cycle has not come).
  std::optional<CommDispatch> next(double now);
  // A message given by next() has completed.
  void completed(const CommDispatch &message);
  // The earliest time at which next() may give something without another call of
  // ready() or completed() (a fusion cycle); infinity when none.
  virtual double wake_time() const { return std::numeric_limits<double>::infinity(); }

  std::int64_t in_flight_bytes() const { return in_flight_; }
  const PolicySettings &settings() const { return settings_; }

protected:
  explicit CommPolicy(PolicySettings settings) : settings_(settings) {}
  virtual void on_ready(const CommTask &task, std::uint64_t arrival, double now) = 0;
  // The next message if any; `in_flight` bytes are given and not completed.
  virtual std::optional<CommDispatch> pick(double now, std::int64_t in_flight) = 0;
  // Task `id` has no more bytes to give (its last piece was given).
  void finished_giving(std::int64_t id);

  PolicySettings settings_;

private:
  std::unordered_set<std::int64_t> unfinished_; // ids given to ready(), bytes not all given
  std::int64_t in_flight_ = 0;
  std::uint64_t arrivals_ = 0;
};

// The policy `settings.kind` with `settings` (validated: a weft::Error for a partition,
// credit, bucket or fusion size below 1 byte or a cycle that is not positive; a credit
// below one partition is raised to it).
std::unique_ptr<CommPolicy> make_policy(const PolicySettings &settings);

} // namespace weft::rt
