// weft/rt/comm_simulate.h — a discrete-event simulator of a CommPolicy on one link, for
// tests and for predicting a policy's step time from a layer profile.
//
// Link model: one serial link of `bytes_per_second`, and `latency_seconds` more before a
// message is complete at the far end; each message also holds the link for
// `message_seconds` (the cost of a message beyond its bytes: LogGP's o + g). A message
// given by the policy at time d starts at
//     start = max(d, end of the previous message),
//     end = start + message_seconds + bytes / bw,
// and completes (the policy's completed(), the bytes leave the credit) at end + latency.
// (For an all-reduce among 2 processes, each sends its whole tensor once: the bytes of
// a task are the bytes on the link.)
//
// Training model (simulate_training): one processor runs, per step, the forward of
// layers 0..L-1 and then the backward of layers L-1..0; layer l's gradient is ready
// (a task of priority l, forward order) when its backward ends, and the next step's
// forward of layer l waits until that gradient's all-reduce has completed.
#pragma once

#include <cstdint>
#include <vector>

#include "weft/rt/comm_policy.h"

namespace weft::rt {

struct SimulatedLink {
  double bytes_per_second = 1.25e9; // 10 Gb/s
  double latency_seconds = 0;
  double message_seconds = 0;
};

struct TimedTask {
  CommTask task;
  double ready_seconds = 0;
};

// A message as the simulator saw it.
struct DispatchRecord {
  CommDispatch message;
  double given = 0;       // when the policy gave it
  double link_start = 0;  // its first byte on the link
  double link_end = 0;    // its last byte on the link
  double completed = 0;   // link_end + latency
  std::int64_t in_flight_after = 0; // the policy's bytes in flight just after giving it
};

struct TransferSimulation {
  std::vector<DispatchRecord> messages; // in the order given
  std::vector<double> task_completed;   // per task of the input, in its order
  double makespan = 0;                  // the last completion
  std::int64_t max_in_flight = 0;       // over every event
};

// Every task of `tasks` (ids unique) becomes ready at its time; the policy of `settings`
// sends them over `link`. At one instant the simulator first completes what has
// completed, then makes ready what is ready, then asks the policy until it gives nothing.
// A weft::Error for a negative or non-finite ready time, or a link that is not positive.
TransferSimulation simulate_transfers(const std::vector<TimedTask> &tasks, const SimulatedLink &link,
                                      const PolicySettings &settings);

struct LayerTiming {
  double forward_seconds = 0;
  double backward_seconds = 0;
  std::int64_t gradient_bytes = 0;
};

struct TrainingSimulation {
  // Steady state: from the start of step 1's first forward to the start of the last
  // step's, per step.
  double step_seconds = 0;
  // Computation alone per step (the bound that perfect overlap reaches).
  double compute_seconds = 0;
  std::int64_t max_in_flight = 0;
};

// `steps` (>= 3) steps of the training model; gradient all-reduces scheduled by the
// policy of `settings` (the buckets' plan is the layers in forward order).
TrainingSimulation simulate_training(const std::vector<LayerTiming> &layers,
                                     const SimulatedLink &link, const PolicySettings &settings,
                                     int steps);

} // namespace weft::rt
