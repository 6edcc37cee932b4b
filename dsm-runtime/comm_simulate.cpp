// The discrete-event simulator of comm_simulate.h: a policy on one serial link, alone or
// under a training step's computation.
#include "weft/rt/comm_simulate.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>

#include "internal_assert.h"
#include "weft/detail/error.h"

namespace weft::rt {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

// The policy and the link; the caller moves the clock from event to event.
class LinkSimulator {
public:
  LinkSimulator(const SimulatedLink &link, const PolicySettings &settings)
      : link_(link), policy_(make_policy(settings)) {
    if (!(link.bytes_per_second > 0) || !std::isfinite(link.bytes_per_second) ||
        !(link.latency_seconds >= 0) || !std::isfinite(link.latency_seconds) ||
        !(link.message_seconds >= 0) || !std::isfinite(link.message_seconds)) {
      throw weft::Error("link model: the bandwidth must be positive and the latency and cost "
                        "per message not negative, got " +
                        std::to_string(link.bytes_per_second) + " B/s, " +
                        std::to_string(link.latency_seconds) + " s and " +
                        std::to_string(link.message_seconds) + " s");
    }
  }

  CommPolicy &policy() { return *policy_; }
  const std::vector<DispatchRecord> &records() const { return records_; }
  std::int64_t max_in_flight() const { return max_in_flight_; }

  // The next time something happens on the link or in the policy without new tasks.
  double next_event() const {
    const double done = completions_.empty() ? kNever : completions_.top().first;
    return std::min(done, policy_->wake_time());
  }

  void ready(const CommTask &task, double now) {
    remaining_[task.id] = task.bytes;
    policy_->ready(task, now);
  }

  // Completes every message that completes by `now`; `finished(id, time)` for each task
  // whose last bytes completed.
  template <class Finished> void complete_until(double now, Finished &&finished) {
    while (!completions_.empty() && completions_.top().first <= now) {
      const auto [time, index] = completions_.top();
      completions_.pop();
      const CommDispatch &m = records_[index].message;
      policy_->completed(m);
      for (const CommPiece &p : m.pieces) {
        const auto it = remaining_.find(p.task);
        WEFT_RT_INTERNAL_ASSERT(it != remaining_.end(), "a piece of an unknown task completed");
        it->second -= p.length;
        WEFT_RT_INTERNAL_ASSERT(it->second >= 0, "more bytes completed than the task has");
        if (it->second == 0) {
          remaining_.erase(it);
          finished(p.task, time);
        }
      }
    }
  }

  // Puts on the link whatever the policy gives at `now`.
  void give(double now) {
    while (std::optional<CommDispatch> m = policy_->next(now)) {
      DispatchRecord r;
      r.given = now;
      r.link_start = std::max(now, link_free_);
      r.link_end = r.link_start + link_.message_seconds +
                   static_cast<double>(m->bytes) / link_.bytes_per_second;
      r.completed = r.link_end + link_.latency_seconds;
      r.in_flight_after = policy_->in_flight_bytes();
      r.message = std::move(*m);
      link_free_ = r.link_end;
      max_in_flight_ = std::max(max_in_flight_, r.in_flight_after);
      completions_.emplace(r.completed, records_.size());
      records_.push_back(std::move(r));
    }
  }

  bool idle() const { return remaining_.empty(); }

private:
  using Completion = std::pair<double, std::size_t>; // (time, index in records_)
  SimulatedLink link_;
  std::unique_ptr<CommPolicy> policy_;
  std::vector<DispatchRecord> records_;
  std::priority_queue<Completion, std::vector<Completion>, std::greater<Completion>> completions_;
  std::unordered_map<std::int64_t, std::int64_t> remaining_; // task id -> bytes not completed
  double link_free_ = 0;
  std::int64_t max_in_flight_ = 0;
};

} // namespace

TransferSimulation simulate_transfers(const std::vector<TimedTask> &tasks, const SimulatedLink &link,
                                      const PolicySettings &settings) {
  LinkSimulator sim(link, settings);
  std::unordered_map<std::int64_t, std::size_t> index_of;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (!(tasks[i].ready_seconds >= 0) || !std::isfinite(tasks[i].ready_seconds)) {
      throw weft::Error("communication trace: task " + std::to_string(tasks[i].task.id) +
                        " is ready at " + std::to_string(tasks[i].ready_seconds) + " s");
    }
    if (!index_of.emplace(tasks[i].task.id, i).second) {
      throw weft::Error("communication trace: task id " + std::to_string(tasks[i].task.id) +
                        " appears twice");
    }
  }
  std::vector<std::size_t> order(tasks.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return tasks[a].ready_seconds < tasks[b].ready_seconds;
  });

  TransferSimulation out;
  out.task_completed.assign(tasks.size(), kNever);
  std::size_t next = 0;
  for (;;) {
    const double t = std::min(next < order.size() ? tasks[order[next]].ready_seconds : kNever,
                              sim.next_event());
    if (t == kNever)
      break;
    sim.complete_until(t, [&](std::int64_t id, double when) {
      out.task_completed[index_of.at(id)] = when;
      out.makespan = std::max(out.makespan, when);
    });
    for (; next < order.size() && tasks[order[next]].ready_seconds <= t; ++next)
      sim.ready(tasks[order[next]].task, t);
    sim.give(t);
  }
  WEFT_RT_INTERNAL_ASSERT(sim.idle(), "the simulation ended with bytes that never went");
  out.messages = sim.records();
  out.max_in_flight = sim.max_in_flight();
  return out;
}

TrainingSimulation simulate_training(const std::vector<LayerTiming> &layers,
                                     const SimulatedLink &link, const PolicySettings &settings,
                                     int steps) {
  if (steps < 3)
    throw weft::Error("training simulation: needs at least 3 steps, got " + std::to_string(steps));
  const std::size_t n = layers.size();
  if (n == 0)
    throw weft::Error("training simulation: no layers");
  LinkSimulator sim(link, settings);
  std::vector<CommTask> plan;
  TrainingSimulation out;
  for (std::size_t l = 0; l < n; ++l) {
    const LayerTiming &p = layers[l];
    if (!(p.forward_seconds >= 0) || !(p.backward_seconds >= 0) || p.gradient_bytes < 0 ||
        !std::isfinite(p.forward_seconds + p.backward_seconds)) {
      throw weft::Error("training simulation: layer " + std::to_string(l) +
                        " has a negative or non-finite time or size");
    }
    plan.push_back(CommTask{static_cast<std::int64_t>(l), p.gradient_bytes,
                            static_cast<std::int64_t>(l)});
    out.compute_seconds += p.forward_seconds + p.backward_seconds;
  }
  sim.policy().plan(plan);

  // Operation k: step k / 2n; within it forwards 0..n-1, then backwards n-1..0.
  const std::size_t total = static_cast<std::size_t>(steps) * 2 * n;
  std::vector<int> reduced(n, 0); // all-reduces of layer l completed so far
  std::vector<double> step_start(static_cast<std::size_t>(steps), 0);
  double processor_free = 0;
  std::size_t k = 0;
  for (;;) {
    double op_end = kNever, op_start = 0;
    if (k < total) {
      const std::size_t s = k / (2 * n), j = k % (2 * n);
      const bool forward = j < n;
      const std::size_t l = forward ? j : 2 * n - 1 - j;
      // The forward of layer l in step s needs layer l's all-reduce of step s - 1.
      if (!forward || reduced[l] >= static_cast<int>(s)) {
        op_start = processor_free;
        op_end = op_start + (forward ? layers[l].forward_seconds : layers[l].backward_seconds);
      }
    }
    const double t = std::min(op_end, sim.next_event());
    if (t == kNever)
      break;
    sim.complete_until(t, [&](std::int64_t id, double) { ++reduced[static_cast<std::size_t>(id)]; });
    if (op_end == t) {
      const std::size_t s = k / (2 * n), j = k % (2 * n);
      if (j == 0)
        step_start[s] = op_start;
      if (j >= n) {
        const std::size_t l = 2 * n - 1 - j;
        sim.ready(plan[l], t);
      }
      processor_free = t;
      ++k;
    } else if (k < total && op_end == kNever) {
      // Blocked on an all-reduce: the processor idles until it completes.
      processor_free = std::max(processor_free, t);
    }
    sim.give(t);
  }
  WEFT_RT_INTERNAL_ASSERT(k == total && sim.idle(), "the training simulation stopped early");
  out.step_seconds = (step_start[static_cast<std::size_t>(steps) - 1] - step_start[1]) /
                     static_cast<double>(steps - 2);
  out.max_in_flight = sim.max_in_flight();
  return out;
}

} // namespace weft::rt
