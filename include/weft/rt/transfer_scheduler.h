// weft/rt/transfer_scheduler.h — the CommPolicy of comm_policy.h driving real transfers
// over a Transport: point-to-point sends and receives, and chunked all-reduces (sum),
// optionally on an emulated link. DESIGN section 5.
//
// Priorities: lower goes first. Stage-boundary activations and gradients use
// kCriticalPriority; gradient all-reduces their layer's index in forward order (the
// layer the next step needs first goes first); the rest after them.
//
// Sends (policy "priority"): cut into partitions, each a message given by the policy in
// key order within the credit. Under the baselines ("fifo", "buckets", "fusion") a send
// goes whole at once, as in the systems they stand for. A receive is posted at once, cut
// the same way (both sides must use the same settings); the pieces of one transfer are
// posted in order, so MPI's non-overtaking rule matches them in order under one tag.
// Tags of sends and receives must be below kFirstReservedTag.
//
// All-reduce (sum of floats, in place): collective, every process makes the same calls
// in the same order. The tensor is cut like a send (wire chunks: partitions under
// "priority", the whole tensor otherwise); each chunk is reduced in two phases: its
// floats are split into one segment per process, process j receives everyone's segment
// j and sums it, in rank order,
//     s = ((x_0 + x_1) + x_2) + ... + x_{n-1},
// then sends s to every other process. Every float is thus the same rank-order sum
// whatever the chunking: a chunked all-reduce is bit-identical to an unchunked one. The
// receives of both phases are posted when the all-reduce is called, so a process's sends
// never wait for another process's scheduling decisions (only for it to reach the same
// call). Under "priority" a chunk's sums are a policy task of their own (the chunk's
// priority), so every byte this process sends is given by the policy and counted in the
// credit: from the moment the policy gives it until it has crossed the link (on the
// emulated link: once the link has held it for its time and latency and it is posted
// into the receive waiting for it, as a network card delivers; otherwise when MPI
// completes the send). A process may wait for an all-reduce once it has
// called every all-reduce that the others call before they wait (in a training step:
// the backward calls each layer's before the next forward waits for any).
// A message of several tensors ("buckets", "fusion") is posted as one MPI message per
// tensor and costs one message on the emulated link.
//
// Emulated link: with EmulatedLink::bytes_per_second > 0, every message this process
// sends first passes a token bucket (rate bytes_per_second, depth kEmulatedBurstBytes)
// and then waits latency_seconds before it is posted; messages are posted in the order
// they were given. progress() (and every wait) posts what is due, so a process that
// computes must call progress() now and then.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "weft/rt/comm_policy.h"
#include "weft/rt/mpi.h"
#include "weft/rt/options.h"

namespace weft::rt {

// Stands in for a slower network between processes; off when bytes_per_second is 0.
struct EmulatedLink {
  double bytes_per_second = 0;
  double latency_seconds = 0;
  bool enabled() const { return bytes_per_second > 0; }
};

constexpr std::int64_t kEmulatedBurstBytes = 64 * 1024;
// Tags from here on belong to the scheduler's all-reduces.
constexpr int kFirstReservedTag = 16384;

class TransferScheduler {
public:
  struct Settings {
    PolicySettings policy;
    EmulatedLink link;
  };
  using Handle = std::size_t;

  // A weft::Error for bad settings (make_policy's, or a negative link rate or latency).
  // The partition is rounded down to whole floats (at least one).
  TransferScheduler(Transport &net, Settings settings);
  ~TransferScheduler();
  TransferScheduler(const TransferScheduler &) = delete;
  TransferScheduler &operator=(const TransferScheduler &) = delete;

  Handle send(const std::byte *data, std::int64_t bytes, int to, int tag, std::int64_t priority);
  Handle receive(std::byte *data, std::int64_t bytes, int from, int tag);
  // The all-reduces of one step, their float counts in forward layer order; from then
  // on an all-reduce with priority l (0 <= l < counts.size()) is layer l's (its count
  // must match). Only "buckets" uses the plan (every process must give the same).
  void plan_allreduces(const std::vector<std::int64_t> &counts);
  // Sum over the processes, in place (see above). `data` must stay valid and untouched
  // until done(h).
  Handle allreduce_sum(float *data, std::int64_t count, std::int64_t priority);

  // Posts what is due on the emulated link, completes what has arrived or left, and
  // puts on the wire what the policy gives.
  void progress();
  void wait(Handle h);
  void wait_all();
  bool done(Handle h) const { return transfers_.at(h).pieces_left == 0; }

  const Settings &settings() const { return settings_; }
  std::int64_t in_flight_bytes() const { return policy_->in_flight_bytes(); }
  std::int64_t max_in_flight_bytes() const { return max_in_flight_; }
  // Messages given by the policy so far.
  std::int64_t messages_given() const { return messages_given_; }

private:
  enum class Kind { Send, Receive, AllReduce };
  struct Transfer {
    Kind kind;
    std::byte *data;
    std::int64_t bytes;
    int peer;
    int tag;
    std::int64_t pieces_left = 0; // wire chunks (or receive pieces) not complete
    std::size_t first_chunk = 0;  // all-reduce: index in chunks_ of its first wire chunk
    std::int64_t policy_id = 0;
    std::int64_t priority = 0; // all-reduce: its chunks' sums go out under it too
    std::int64_t arrival = 0;  // all-reduce: the policy's arrival number for it
  };
  // One wire chunk of an all-reduce.
  struct Chunk {
    Handle owner;
    std::int64_t first; // float index in the tensor
    std::int64_t count;
    int tag;                              // phase 1: tag, phase 2: tag + 1
    std::vector<float> gathered;          // phase 1: the other processes' segment of mine
    std::vector<float> results;           // phase 2: the other segments' sums
    std::vector<Request> phase1_receives; // from each other process, in rank order
    std::vector<Request> phase2_receives;
    int phase1_receives_left = 0;
    int phase1_sends_left = 0;
    int phase2_receives_left = 0;
    int phase2_sends_left = 0;
    bool given = false;
    bool summed = false;
    bool finished = false;
    bool phase2_via_policy = false; // "priority": the sums are a policy task of their own
    std::int64_t serial = 0;        // its number among all chunks of this scheduler
    std::size_t message = 0;        // index in messages_ once given
    std::size_t message2 = 0;       // the sums' message, once given
  };
  // A message given by the policy, until its bytes have left.
  struct Message {
    CommDispatch dispatch;
    int sends_left = 0;
    bool from_policy = true; // false: a baseline's send, outside the policy
  };
  enum class Op { Send, Receive, Phase1Send, Phase2Send };
  struct Pending {
    Request request;
    Op op;
    std::size_t index; // Send: messages_; Receive: transfers_; Phase*Send: chunks_
  };
  // A send waiting for the emulated link.
  struct Delayed {
    std::chrono::steady_clock::time_point due;
    const void *data;
    std::int64_t bytes;
    int to;
    int tag;
    Op op;
    std::size_t index;
  };

  void give();
  void post_send(const void *data, std::int64_t bytes, int to, int tag, Op op, std::size_t index,
                 std::chrono::steady_clock::time_point due);
  std::chrono::steady_clock::time_point link_due(std::int64_t bytes);
  void start_chunk(std::size_t c, std::size_t message, std::chrono::steady_clock::time_point due);
  Handle handle_of(std::int64_t policy_id) const;
  static constexpr Handle kNoHandle = ~Handle{0};
  // Policy ids: a transfer's handle (>= 0), -1 - l for the plan's layer l, and
  // kPhase2Ids - serial for the sums of a chunk.
  static constexpr std::int64_t kPhase2Ids = -(std::int64_t{1} << 48);
  void post_sums(std::size_t c, std::size_t message, std::chrono::steady_clock::time_point due);
  void sum_if_ready(std::size_t c);
  void finish_if_done(std::size_t c);
  void message_bytes_left(std::size_t m);
  void sent(Op op, std::size_t index, bool posted);
  // Tests the active ones; how many completed now.
  static int complete_some(std::vector<Request> &requests);
  std::int64_t wire_bytes() const;
  std::pair<std::int64_t, std::int64_t> segment(const Chunk &c, int rank) const;
  // A buffer of `size` floats (values unspecified), from those of finished chunks.
  std::vector<float> take_buffer(std::size_t size);

  Transport &net_;
  Settings settings_;
  std::unique_ptr<CommPolicy> policy_;
  std::vector<Transfer> transfers_;
  std::vector<Chunk> chunks_;
  std::vector<Message> messages_;
  std::vector<Pending> pending_;
  std::deque<Delayed> delayed_;
  std::vector<std::int64_t> plan_;               // float counts per plan layer
  std::vector<Handle> slot_owner_;               // plan layer -> its current all-reduce
  std::int64_t chunk_serial_ = 0;                // wire chunks of all all-reduces so far
  std::int64_t chunk_serial_base_ = 0;           // the serial of chunks_[0]
  int first_tag_ = 0, tag_pairs_ = 0;            // the reserved tags
  std::int64_t chunks_open_ = 0;                 // wire chunks not complete
  std::size_t oldest_open_ = 0;                  // no chunk before it in chunks_ is open
  std::vector<std::size_t> given_open_;          // chunks given and not finished
  std::vector<std::vector<float>> free_buffers_; // finished chunks' buffers, for reuse
  std::vector<float> sum_scratch_;               // a segment's sum on processes but 0
  const std::chrono::steady_clock::time_point start_;
  double bucket_tokens_ = 0; // the emulated link's token bucket
  double bucket_time_ = 0;
  std::int64_t max_in_flight_ = 0;
  std::int64_t messages_given_ = 0;
  // Last, so that it deregisters first: every wait of this thread progresses the queue.
  WaitProgress progress_while_waiting_{[this] { progress(); }};
};

// The settings the runtime's options ask for: --weft-comm-policy, --weft-partition-bytes,
// --weft-credit-bytes and --weft-emulate-link (Gb/s = 1e9 bits per second).
TransferScheduler::Settings transfer_settings(const Options &options);

} // namespace weft::rt
