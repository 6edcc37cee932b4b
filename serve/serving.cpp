// run_serving (include/weft/serving.h): a dispatcher thread (the caller's) and k + 1
// worker threads, each with a FIFO queue of tasks.
//
// Locks: `state_` guards the queries, groups and report; each worker's mutex guards its
// queue and the task in service. The order is state_, then a worker's mutex (the
// dispatcher pushes and a delivery cancels under state_); a worker never holds its own
// mutex while it takes state_.
#include "weft/serving.h"

#include "weft/detail/splitmix64.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace weft {
namespace serve {

namespace {

using Clock = std::chrono::steady_clock;

// One query or parity query on its way through a worker.
struct Task {
  std::int64_t id = 0;      // query q, or queries + g for the parity of group g
  std::int64_t group = 0;   // parity mode: the group; replicas mode: unused
  std::int64_t slot = 0;    // 0..k-1: a query of the group, k: its parity
  std::int64_t worker = 0;  // the worker whose queue it joins
  const float *input = nullptr;
  bool slow = false;
  // Guarded by the worker's mutex:
  bool cancelled = false;
  bool started = false;     // taken off the queue into service
  bool overrun = false;     // still in service service_seconds after it started
};

struct Worker {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Task *> queue;
  Task *in_service = nullptr;
  bool stop = false;
  std::thread thread;
};

// A group's results and parity input, parity mode.
struct GroupState {
  explicit GroupState(std::int64_t k, std::int64_t classes) : results(k, classes) {}
  Group results;
  std::vector<float> parity_input;
  std::int64_t own_outputs = 0; // query slots answered by their own output
  Task *parity_task = nullptr;  // null until dispatched
};

// The end of the pause that `t` lies in, or t outside the pauses
// [offset + j every, offset + j every + pause_seconds), j = 0, 1, ...
double pause_end(const ServingOptions &o, double t) {
  if (t < o.pause_offset)
    return t;
  const double start = o.pause_offset + std::floor((t - o.pause_offset) / o.pause_every) * o.pause_every;
  return t < start + o.pause_seconds ? start + o.pause_seconds : t;
}

std::int32_t largest(const float *values, std::int64_t count) {
  return static_cast<std::int32_t>(std::max_element(values, values + count) - values);
}

void check_options(const ServingOptions &o, ConstMatrix inputs, std::int64_t classes) {
  const auto fail = [](const std::string &what) {
    throw Error("weft::serve::run_serving: " + what);
  };
  if (o.mode == Mode::parity) {
    check_code(o.code);
    if (o.code.encoding == Encoding::concatenation &&
        inputs.cols() != o.code.image_rows * o.code.image_cols) {
      fail("the inputs have " + std::to_string(inputs.cols()) + " columns but the code's images " +
           std::to_string(o.code.image_rows * o.code.image_cols) + " pixels");
    }
  } else if (o.code.k < 1) {
    fail("k must be at least 1, got " + std::to_string(o.code.k));
  }
  if (inputs.rows() < 1 || classes < 1)
    fail("needs at least one input row and one class");
  if (o.queries < 0)
    fail("the number of queries is negative");
  if (!(o.rate > 0.0) || !(o.service_seconds > 0.0) || !(o.slowdown >= 1.0) ||
      !(o.timeout_seconds > 0.0)) {
    fail("the rate, service time and timeout must be positive and the slowdown at least 1");
  }
  if (!(o.slow_fraction >= 0.0 && o.slow_fraction <= 1.0))
    fail("the slow fraction must lie in [0, 1], got " + std::to_string(o.slow_fraction));
  if (o.paused_worker < -1 || o.paused_worker > o.code.k) {
    fail("the paused worker must be -1 (none) or a worker 0.." + std::to_string(o.code.k) +
         ", got " + std::to_string(o.paused_worker));
  }
  if (o.paused_worker >= 0 &&
      !(o.pause_seconds > 0.0 && o.pause_every > o.pause_seconds && o.pause_offset >= 0.0)) {
    fail("a pause needs 0 < pause length < pause period and an offset >= 0");
  }
}

class ServingRun {
public:
  ServingRun(const ServingOptions &options, ConstMatrix inputs, std::int64_t classes,
             const Model &base, const Model &parity)
      : o_(options), inputs_(inputs), classes_(classes), base_(base), parity_(parity),
        k_(options.code.k), workers_(static_cast<std::size_t>(k_ + 1)) {
    const auto queries = static_cast<std::size_t>(o_.queries);
    arrival_.assign(queries, 0.0);
    answered_.assign(queries, false);
    report_.latency.assign(queries, -1.0);
    report_.answer.assign(queries, -1);
    report_.decoded.assign(queries, false);
    query_tasks_.resize(queries);
  }

  ServingReport run() {
    start_ = Clock::now();
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      workers_[w] = std::make_unique<Worker>();
      workers_[w]->thread = std::thread([this, w] { work(static_cast<std::int64_t>(w)); });
    }
    dispatch();
    {
      std::unique_lock<std::mutex> lock(state_);
      all_answered_.wait_until(lock, at(o_.timeout_seconds),
                               [&] { return answered_count_ == o_.queries; });
      report_.unanswered = o_.queries - answered_count_;
      for (const auto &w : workers_) {
        std::lock_guard<std::mutex> worker_lock(w->mutex);
        report_.queued_at_end += static_cast<std::int64_t>(w->queue.size());
        w->stop = true;
        w->wake.notify_all();
      }
      report_.seconds = seconds_now();
    }
    for (const auto &w : workers_)
      w->thread.join();
    return std::move(report_);
  }

private:
  Clock::time_point at(double seconds) const {
    return start_ + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(seconds));
  }
  double seconds_now() const {
    return std::chrono::duration<double>(Clock::now() - start_).count();
  }

  // Arrival times: exponential gaps of mean 1 / rate, -ln(1 - u) / rate for u uniform in
  // [0, 1) from splitmix64 (the same times for a seed in both modes).
  void dispatch() {
    double t = 0.0;
    for (std::int64_t q = 0; q < o_.queries; ++q) {
      const double u = weft::detail::uniform_from_bits<double>(
          weft::detail::splitmix64_at(o_.seed, static_cast<std::uint64_t>(q)), 0.0, 1.0);
      t += -std::log1p(-u) / o_.rate;
      if (t > o_.timeout_seconds)
        break;
      std::this_thread::sleep_until(at(t));
      std::lock_guard<std::mutex> lock(state_);
      arrival_[static_cast<std::size_t>(q)] = seconds_now();
      if (o_.mode == Mode::replicas)
        push(make_task(q, 0, 0, q % (k_ + 1), row(q)));
      else
        arrive_in_group(q);
    }
  }

  const float *row(std::int64_t q) const {
    return inputs_.data() + (q % inputs_.rows()) * inputs_.cols();
  }

  // Parity mode: query q joins group q / k as slot q mod k; the k-th query's arrival
  // sends the group's parity query too (under state_, so that no output of the group is
  // delivered before its parity task exists).
  void arrive_in_group(std::int64_t q) {
    const std::int64_t g = q / k_, slot = q % k_;
    if (slot == 0)
      groups_.push_back(std::make_unique<GroupState>(k_, classes_));
    GroupState &group = *groups_[static_cast<std::size_t>(g)];
    query_tasks_[static_cast<std::size_t>(q)] = make_task(q, g, slot, slot, row(q));
    push(query_tasks_[static_cast<std::size_t>(q)]);
    if (slot != k_ - 1)
      return;
    const std::int64_t d = inputs_.cols();
    std::vector<float> queries(static_cast<std::size_t>(k_ * d));
    for (std::int64_t m = 0; m < k_; ++m)
      std::copy(row(g * k_ + m), row(g * k_ + m) + d, queries.begin() + m * d);
    group.parity_input.assign(static_cast<std::size_t>(d), 0.0f);
    encode(o_.code, ConstMatrix(queries.data(), k_, d),
           Matrix(group.parity_input.data(), 1, d));
    group.parity_task = make_task(o_.queries + g, g, k_, k_, group.parity_input.data());
    push(group.parity_task);
  }

  Task *make_task(std::int64_t id, std::int64_t group, std::int64_t slot, std::int64_t worker,
                  const float *input) {
    auto task = std::make_unique<Task>();
    task->id = id;
    task->group = group;
    task->slot = slot;
    task->worker = worker;
    task->input = input;
    task->slow = is_slow_task(o_.seed, static_cast<std::uint64_t>(id), o_.slow_fraction);
    ++report_.tasks;
    report_.slow_tasks += task->slow ? 1 : 0;
    tasks_.push_back(std::move(task));
    return tasks_.back().get();
  }

  void push(Task *task) {
    Worker &w = *workers_[static_cast<std::size_t>(task->worker)];
    std::lock_guard<std::mutex> lock(w.mutex);
    w.queue.push_back(task);
    w.wake.notify_one();
  }

  // Removes a task from its queue, or cuts its service short (caller holds state_).
  void cancel(Task *task) {
    Worker &w = *workers_[static_cast<std::size_t>(task->worker)];
    std::lock_guard<std::mutex> lock(w.mutex);
    if (task->cancelled)
      return;
    const auto queued = std::find(w.queue.begin(), w.queue.end(), task);
    if (queued != w.queue.end()) {
      w.queue.erase(queued);
      task->cancelled = true;
      ++report_.cancelled_queued;
    } else if (w.in_service == task) {
      task->cancelled = true;
      ++report_.cancelled_running;
      w.wake.notify_all();
    }
  }

  void work(std::int64_t index) {
    Worker &w = *workers_[static_cast<std::size_t>(index)];
    const Model &model = (o_.mode == Mode::parity && index == k_) ? parity_ : base_;
    const std::int64_t d = inputs_.cols();
    std::vector<float> out(static_cast<std::size_t>(classes_));
    for (;;) {
      Task *task;
      {
        std::unique_lock<std::mutex> lock(w.mutex);
        w.wake.wait(lock, [&] { return w.stop || !w.queue.empty(); });
        if (w.stop)
          return;
        // A paused worker starts nothing: its tasks stay queued (and cancellable) until
        // the pause ends.
        if (index == o_.paused_worker) {
          const double now = seconds_now(), resume = pause_end(o_, now);
          if (resume > now) {
            w.wake.wait_until(lock, at(resume), [&] { return w.stop; });
            continue;
          }
        }
        task = w.queue.front();
        w.queue.pop_front();
        w.in_service = task;
        task->started = true;
      }
      const double started = seconds_now();
      model(ConstMatrix(task->input, 1, d), Matrix(out.data(), 1, classes_));
      const double work = o_.service_seconds * (task->slow ? o_.slowdown : 1.0);
      const double done =
          index == o_.paused_worker ? finish_time(o_, started, work) : started + work;
      const double due = started + o_.service_seconds;
      bool cancelled;
      {
        std::unique_lock<std::mutex> lock(w.mutex);
        // Past its service time (slow, or caught by a pause) the task is late: its query
        // may be decoded from then on.
        if (done > due) {
          w.wake.wait_until(lock, at(due), [&] { return task->cancelled || w.stop; });
          if (!task->cancelled && !w.stop) {
            task->overrun = true;
            lock.unlock();
            late(*task);
            lock.lock();
          }
        }
        w.wake.wait_until(lock, at(done), [&] { return task->cancelled || w.stop; });
        w.in_service = nullptr;
        cancelled = task->cancelled || w.stop;
      }
      if (!cancelled)
        deliver(*task, out.data());
    }
  }

  void answer(std::int64_t q, const float *values, bool decoded) {
    const auto i = static_cast<std::size_t>(q);
    answered_[i] = true;
    report_.latency[i] = seconds_now() - arrival_[i];
    report_.answer[i] = largest(values, classes_);
    report_.decoded[i] = decoded;
    if (++answered_count_ == o_.queries)
      all_answered_.notify_all();
  }

  void deliver(const Task &task, const float *out) {
    std::lock_guard<std::mutex> lock(state_);
    if (o_.mode == Mode::replicas) {
      answer(task.id, out, false);
      return;
    }
    GroupState &group = *groups_[static_cast<std::size_t>(task.group)];
    group.results.set_result(task.slot, out);
    if (task.slot < k_) {
      if (!answered_[static_cast<std::size_t>(task.id)])
        answer(task.id, out, false);
      // Every query has its own output: the parity is no longer needed.
      if (++group.own_outputs == k_ && group.parity_task)
        cancel(group.parity_task);
    }
    decode_if_late(task.group);
  }

  // A query task past its service time (worker thread, no lock held).
  void late(const Task &task) {
    if (o_.mode == Mode::parity && task.slot < k_) {
      std::lock_guard<std::mutex> lock(state_);
      decode_if_late(task.group);
    }
  }

  // Whether a query's own output is late: its task still queued, or in service past its
  // service time (caller holds state_).
  bool is_late(const Task &task) {
    Worker &w = *workers_[static_cast<std::size_t>(task.worker)];
    std::lock_guard<std::mutex> lock(w.mutex);
    return !task.cancelled && (!task.started || task.overrun);
  }

  // Once k of the group's k + 1 results are in and the missing query's own output is
  // late, its answer is decoded and its task (a straggler) cancelled. A query whose
  // output is merely not in yet, in service within its time, is left to finish: a
  // decoded answer is only as good as the parity model (caller holds state_).
  void decode_if_late(std::int64_t g) {
    GroupState &group = *groups_[static_cast<std::size_t>(g)];
    if (!group.results.answerable())
      return;
    const std::int64_t missing = group.results.missing_query();
    const std::int64_t q = g * k_ + missing;
    if (missing < 0 || answered_[static_cast<std::size_t>(q)])
      return;
    Task *own = query_tasks_[static_cast<std::size_t>(q)];
    if (!is_late(*own))
      return;
    std::vector<float> answers(static_cast<std::size_t>(k_ * classes_));
    group.results.answers(Matrix(answers.data(), k_, classes_));
    answer(q, answers.data() + missing * classes_, true);
    cancel(own);
  }

  const ServingOptions o_;
  const ConstMatrix inputs_;
  const std::int64_t classes_;
  const Model &base_;
  const Model &parity_;
  const std::int64_t k_;
  Clock::time_point start_;

  std::vector<std::unique_ptr<Worker>> workers_;
  std::mutex state_;
  std::condition_variable all_answered_;
  // Guarded by state_.
  std::vector<std::unique_ptr<Task>> tasks_;
  std::vector<Task *> query_tasks_;
  std::vector<std::unique_ptr<GroupState>> groups_;
  std::vector<double> arrival_;
  std::vector<bool> answered_;
  std::int64_t answered_count_ = 0;
  ServingReport report_;
};

} // namespace

bool is_slow_task(std::uint64_t seed, std::uint64_t task, double slow_fraction) {
  // A stream of its own: the arrival times use splitmix64(seed) directly.
  const double u = weft::detail::uniform_from_bits<double>(
      weft::detail::splitmix64_at(weft::detail::mix64(seed ^ 0x51a6e7ULL), task), 0.0, 1.0);
  return u < slow_fraction;
}

double finish_time(const ServingOptions &o, double start, double work) {
  // The worker progresses outside the pauses [offset + j every, + pause_seconds) only:
  // walk from `start`, skipping each pause, until `work` seconds of progress are made.
  double t = pause_end(o, start), left = work;
  for (;;) {
    // The next pause to start after t (the guard covers rounding at a pause's start).
    double next = t < o.pause_offset
                      ? o.pause_offset
                      : o.pause_offset + (std::floor((t - o.pause_offset) / o.pause_every) + 1.0) *
                                             o.pause_every;
    if (next <= t)
      next += o.pause_every;
    if (t + left <= next)
      return t + left;
    left -= next - t;
    t = next + o.pause_seconds;
  }
}

ServingReport run_serving(const ServingOptions &options, ConstMatrix inputs,
                          std::int64_t classes, const Model &base, const Model &parity) {
  check_options(options, inputs, classes);
  ServingRun run(options, inputs, classes, base, parity);
  return run.run();
}

} // namespace serve
} // namespace weft
