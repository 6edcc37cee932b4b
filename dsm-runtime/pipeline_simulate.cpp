// simulate: the timeline of a pipeline schedule under given op and transfer times. The
// model is stated in include/weft/rt/pipeline_schedule.h.
#include "weft/rt/pipeline_schedule.h"

#include <algorithm>
#include <string>
#include <vector>

#include "internal_assert.h"

namespace weft::rt::pipeline {

namespace {

void check_times(const char *what, const std::vector<double> &times, int expected) {
  if (times.size() != static_cast<std::size_t>(expected))
    throw ScheduleError(std::string("simulate: ") + what + " times need " +
                        std::to_string(expected) + " entries, got " + std::to_string(times.size()));
  for (double t : times) {
    if (!(t >= 0))
      throw ScheduleError(std::string("simulate: ") + what + " times must be non-negative, got " +
                          std::to_string(t));
  }
}

} // namespace

Simulation simulate(const Schedule &schedule, const StageTimes &times) {
  const std::string violation = check_schedule(schedule);
  if (!violation.empty())
    throw ScheduleError("simulate needs a valid schedule: " + violation);
  const int p = schedule.stages;
  check_times("forward", times.forward, p);
  check_times("backward", times.backward, p);
  check_times("update", times.update, p);
  check_times("transfer", times.transfer, p - 1);

  const auto microbatches =
      static_cast<std::size_t>(schedule.minibatches * schedule.microbatches_per_minibatch);
  // forward_end[s][i], backward_end[s][i]: when that op finishes; < 0 until it has run.
  std::vector<std::vector<double>> forward_end(static_cast<std::size_t>(p),
                                               std::vector<double>(microbatches, -1.0));
  std::vector<std::vector<double>> backward_end = forward_end;
  Simulation result;
  result.busy.assign(static_cast<std::size_t>(p), 0.0);
  result.start.resize(static_cast<std::size_t>(p));
  std::vector<double> stage_free(static_cast<std::size_t>(p), 0.0);
  std::vector<std::size_t> next(static_cast<std::size_t>(p), 0);

  // When op's input is on stage s, or < 0 when its producer has not run yet:
  //   forward(s, i):  forward_end(s - 1, i) + transfer[s - 1]  (0 on stage 0)
  //   backward(s, i): backward_end(s + 1, i) + transfer[s]     (0 on the last stage;
  //                   its own forward precedes it in the list)
  //   update:         0 (it follows the backwards it applies in the list)
  auto arrival = [&](int s, const Op &op) {
    const auto i = static_cast<std::size_t>(op.microbatch);
    const auto u = static_cast<std::size_t>(s);
    if (op.kind == OpKind::forward && s > 0) {
      const double end = forward_end[u - 1][i];
      return end < 0 ? -1.0 : end + times.transfer[u - 1];
    }
    if (op.kind == OpKind::backward && s < p - 1) {
      const double end = backward_end[u + 1][i];
      return end < 0 ? -1.0 : end + times.transfer[u];
    }
    return 0.0;
  };
  // Each pass runs, on every stage, the ops whose input has arrived; the start of an op
  // is max(its stage free, its input arrived), so the order in which stages are visited
  // does not change any time. check_schedule proved that every op runs.
  for (bool moved = true; moved;) {
    moved = false;
    for (int s = 0; s < p; ++s) {
      const auto u = static_cast<std::size_t>(s);
      const std::vector<Op> &list = schedule.ops[u];
      for (; next[u] < list.size(); ++next[u], moved = true) {
        const Op &op = list[next[u]];
        const double ready = arrival(s, op);
        if (ready < 0)
          break;
        const double duration = op.kind == OpKind::forward    ? times.forward[u]
                                : op.kind == OpKind::backward ? times.backward[u]
                                                              : times.update[u];
        const double start = std::max(stage_free[u], ready);
        stage_free[u] = start + duration;
        result.start[u].push_back(start);
        result.busy[u] += duration;
        if (op.kind == OpKind::forward)
          forward_end[u][static_cast<std::size_t>(op.microbatch)] = stage_free[u];
        if (op.kind == OpKind::backward)
          backward_end[u][static_cast<std::size_t>(op.microbatch)] = stage_free[u];
      }
    }
  }
  for (int s = 0; s < p; ++s) {
    const auto u = static_cast<std::size_t>(s);
    WEFT_RT_INTERNAL_ASSERT(next[u] == schedule.ops[u].size(),
                            "simulate stopped on stage " + std::to_string(s) +
                                " of a schedule check_schedule accepted");
    result.makespan = std::max(result.makespan, stage_free[u]);
  }
  double idle = 0;
  for (int s = 0; s < p; ++s) {
    result.idle.push_back(result.makespan - result.busy[static_cast<std::size_t>(s)]);
    idle += result.idle.back();
  }
  result.idle_fraction = result.makespan > 0 ? idle / (p * result.makespan) : 0.0;
  return result;
}

} // namespace weft::rt::pipeline
