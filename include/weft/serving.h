// weft/serving.h — a bounded serving run of a model with parity groups (weft/serve.h),
// or with the same workers as plain replicas, under injected stragglers.
//
// The run: `queries` queries arrive as a Poisson process of `rate` per second (the same
// arrival times for a seed in both modes). There are k + 1 worker threads, each with a
// FIFO queue.
//
//   parity     query q is slot q mod k of group q / k and goes to worker q mod k; when a
//              group's k-th query has arrived, its parity query (encoded from the k
//              inputs) goes to worker k, which runs the parity model. A query is
//              answered by its own output or by the decoded one (Group::answers) once
//              the other k - 1 outputs and the parity output are in and its own output
//              is late: its task still queued, or in service longer than
//              service_seconds. A query answered by decoding has its own task
//              cancelled (removed from its queue, or its service cut short), and a
//              group whose k queries have their own outputs has its parity task
//              cancelled. A group left incomplete at the end of the run (fewer than k
//              queries) has no parity.
//   replicas   the baseline: query q goes to worker q mod (k + 1), which runs the base
//              model; no parity, no decoding, no cancellation.
//
// Service: a worker runs the model on the query's row, then keeps the task until
// service_seconds after it started (a model faster than that waits; a slower one does
// not). A fraction `slow_fraction` of the tasks, drawn from the seed and the task (the
// same queries in both modes), take `slowdown` times as long. Worker `paused_worker`
// (-1: none) makes no progress during [pause_every j + pause_offset, + pause_seconds)
// for j = 0, 1, ... seconds after the run's start: a task in service then finishes that
// much later, and none starts. All times are steady-clock wall time.
//
// Threads only (no network): the run is bounded by `queries` and by
// `timeout_seconds`, after which it stops and reports the queries left unanswered.
#pragma once

#include "weft/serve.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace weft {
namespace serve {

// A model's inference on one query: `in` (1 x d) to `out` (1 x c). Called from worker
// threads, one call at a time per worker; different workers may call concurrently.
using Model = std::function<void(ConstMatrix in, Matrix out)>;

enum class Mode { parity, replicas };

struct ServingOptions {
  Mode mode = Mode::parity;
  Code code;                       // k and the encoder (the replicas mode uses k only)
  std::int64_t queries = 1000;     // query q has input row q mod n of the inputs
  double rate = 500.0;             // arrivals per second
  double service_seconds = 0.001;  // a task's least service time
  double slow_fraction = 0.0;      // the fraction of tasks slowed down
  double slowdown = 10.0;          // their service time factor
  int paused_worker = -1;          // -1: no pauses
  double pause_every = 10.0;       // seconds between the starts of two pauses
  double pause_offset = 0.0;       // the start of the first pause
  double pause_seconds = 1.0;      // the length of a pause
  double timeout_seconds = 600.0;  // the run stops after this long
  std::uint64_t seed = 1;
};

// What happened to each query and to the tasks.
struct ServingReport {
  std::vector<double> latency;   // per query: arrival to answer, seconds (-1: unanswered)
  std::vector<std::int32_t> answer; // per query: the answer's largest value's index (-1)
  std::vector<bool> decoded;     // per query: answered by decoding
  std::int64_t tasks = 0;              // dispatched (queries and parities)
  std::int64_t slow_tasks = 0;         // of which drawn slow
  std::int64_t cancelled_queued = 0;   // cancelled while in a queue
  std::int64_t cancelled_running = 0;  // cancelled while in service
  std::int64_t queued_at_end = 0;      // tasks in a queue when the run ended
  std::int64_t unanswered = 0;         // queries not answered by the timeout
  double seconds = 0.0;                // the run's wall time
};

// Runs the serving of `inputs` (n x d, n >= 1) with `base` (and `parity` in parity mode;
// unused in replicas mode) and returns what happened. Throws weft::Error for bad options
// (a rate, service time or pause that is not positive, a fraction outside [0, 1], a
// paused worker outside [-1, k], inputs whose columns do not fit the code).
ServingReport run_serving(const ServingOptions &options, ConstMatrix inputs,
                          std::int64_t classes, const Model &base, const Model &parity);

// Whether the task `task` of a run with this seed is slow (deterministic).
bool is_slow_task(std::uint64_t seed, std::uint64_t task, double slow_fraction);

// The time a task that needs `work` seconds of service and starts at `start` (seconds
// after the run's start) finishes, given the pauses of options (for the paused worker).
double finish_time(const ServingOptions &options, double start, double work);

} // namespace serve
} // namespace weft
