// The scheduling core: priority chunks under a credit, and the FIFO, bucket and fusion
// baselines (comm_policy.h states each one's rule).
#include "weft/rt/comm_policy.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <unordered_map>
#include <utility>

#include "internal_assert.h"
#include "weft/detail/error.h"

namespace weft::rt {
namespace {

CommDispatch whole(const CommTask &t, std::uint64_t arrival) {
  CommDispatch d;
  d.pieces.push_back(CommPiece{t.id, 0, t.bytes});
  d.bytes = t.bytes;
  d.priority = t.priority;
  d.arrival = arrival;
  return d;
}

// ByteScheduler: the least (priority, arrival, offset) chunk, within the credit.
class PriorityPolicy final : public CommPolicy {
public:
  explicit PriorityPolicy(PolicySettings s) : CommPolicy(s) {}

protected:
  void on_ready(const CommTask &task, std::uint64_t arrival, double) override {
    const std::int64_t position = task.arrival >= 0 ? task.position : 0;
    heap_.push_back(Cursor{task.priority, arrival, position, task.id, task.bytes, 0});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }

  std::optional<CommDispatch> pick(double, std::int64_t in_flight) override {
    if (heap_.empty())
      return std::nullopt;
    // The heap's top is the ready task with the least (priority, arrival, position); its
    // next chunk starts at its cursor, so that chunk has the least key of all ready chunks.
    Cursor &top = heap_.front();
    const std::int64_t length = std::min(settings_.partition_bytes, top.bytes - top.offset);
    if (in_flight > 0 && in_flight + length > settings_.credit_bytes)
      return std::nullopt;
    WEFT_RT_INTERNAL_ASSERT(in_flight + length <= settings_.credit_bytes,
                            "a chunk larger than the credit window");
    CommDispatch d;
    d.pieces.push_back(CommPiece{top.id, top.offset, length});
    d.bytes = length;
    d.priority = top.priority;
    d.arrival = top.arrival;
    top.offset += length;
    top.position += length;
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    if (heap_.back().offset >= heap_.back().bytes) {
      const std::int64_t id = heap_.back().id;
      heap_.pop_back();
      finished_giving(id);
    } else {
      std::push_heap(heap_.begin(), heap_.end(), Later{}); // its key grew by `length`
    }
    return d;
  }

private:
  struct Cursor {
    std::int64_t priority;
    std::uint64_t arrival;
    std::int64_t position; // of the next chunk in its arrival's bytes (= offset, unless a
                           // continuation)
    std::int64_t id;
    std::int64_t bytes;
    std::int64_t offset; // bytes already given
  };
  // Heap order: the least (priority, arrival, position) on top.
  struct Later {
    bool operator()(const Cursor &a, const Cursor &b) const {
      if (a.priority != b.priority)
        return a.priority > b.priority;
      return a.arrival != b.arrival ? a.arrival > b.arrival : a.position > b.position;
    }
  };
  std::vector<Cursor> heap_;
};

// No scheduling: each task whole, as it becomes ready.
class FifoPolicy final : public CommPolicy {
public:
  explicit FifoPolicy(PolicySettings s) : CommPolicy(s) {}

protected:
  void on_ready(const CommTask &task, std::uint64_t arrival, double) override {
    queue_.emplace_back(task, arrival);
  }
  std::optional<CommDispatch> pick(double, std::int64_t) override {
    if (queue_.empty())
      return std::nullopt;
    CommDispatch d = whole(queue_.front().first, queue_.front().second);
    finished_giving(queue_.front().first.id);
    queue_.pop_front();
    return d;
  }

private:
  std::deque<std::pair<CommTask, std::uint64_t>> queue_;
};

// PyTorch DDP's gradient buckets.
class BucketPolicy final : public CommPolicy {
public:
  explicit BucketPolicy(PolicySettings s) : CommPolicy(s) {}

  void plan(const std::vector<CommTask> &forward_order) override {
    buckets_.clear();
    where_.clear();
    next_bucket_ = 0;
    std::int64_t filled = 0;
    // Backward order: the last layer's gradient is ready first, so it opens bucket 0.
    for (auto t = forward_order.rbegin(); t != forward_order.rend(); ++t) {
      if (t->bytes < 0)
        throw weft::Error("communication plan: task " + std::to_string(t->id) + " has " +
                          std::to_string(t->bytes) + " bytes");
      if (where_.count(t->id))
        throw weft::Error("communication plan: task " + std::to_string(t->id) +
                          " appears twice");
      // A bucket closes once it holds its size (DDP: the tensor that crosses it stays).
      if (buckets_.empty() || filled >= cap_of(buckets_.size() - 1)) {
        buckets_.emplace_back();
        filled = 0;
      }
      where_[t->id] = buckets_.size() - 1;
      buckets_.back().members.push_back(Member{*t, 0, false});
      filled += t->bytes;
    }
  }

protected:
  void on_ready(const CommTask &task, std::uint64_t arrival, double) override {
    const auto it = where_.find(task.id);
    if (it == where_.end()) {
      unplanned_.emplace_back(task, arrival);
      return;
    }
    Bucket &b = buckets_[it->second];
    for (Member &m : b.members) {
      if (m.task.id == task.id) {
        m.task = task;
        m.arrival = arrival;
        m.ready = true;
        ++b.ready;
      }
    }
  }

  std::optional<CommDispatch> pick(double, std::int64_t) override {
    if (!unplanned_.empty()) {
      CommDispatch d = whole(unplanned_.front().first, unplanned_.front().second);
      finished_giving(unplanned_.front().first.id);
      unplanned_.pop_front();
      return d;
    }
    if (buckets_.empty())
      return std::nullopt;
    Bucket &b = buckets_[next_bucket_];
    if (b.ready < b.members.size())
      return std::nullopt;
    CommDispatch d;
    for (Member &m : b.members) {
      if (d.pieces.empty()) {
        d.priority = m.task.priority;
        d.arrival = m.arrival;
      }
      d.pieces.push_back(CommPiece{m.task.id, 0, m.task.bytes});
      d.bytes += m.task.bytes;
      m.ready = false;
      finished_giving(m.task.id);
    }
    b.ready = 0;
    next_bucket_ = (next_bucket_ + 1) % buckets_.size(); // the next step starts over
    return d;
  }

private:
  struct Member {
    CommTask task;
    std::uint64_t arrival;
    bool ready;
  };
  struct Bucket {
    std::vector<Member> members; // in backward order
    std::size_t ready = 0;
  };
  std::int64_t cap_of(std::size_t bucket) const {
    return bucket == 0 ? settings_.first_bucket_bytes : settings_.bucket_bytes;
  }

  std::vector<Bucket> buckets_;
  std::unordered_map<std::int64_t, std::size_t> where_; // task id -> its bucket
  std::size_t next_bucket_ = 0;
  std::deque<std::pair<CommTask, std::uint64_t>> unplanned_;
};

// Horovod's tensor fusion on a cycle.
class FusionPolicy final : public CommPolicy {
public:
  explicit FusionPolicy(PolicySettings s) : CommPolicy(s) {}

  double wake_time() const override {
    return waiting_.empty() ? std::numeric_limits<double>::infinity() : cycle_end_;
  }

protected:
  void on_ready(const CommTask &task, std::uint64_t arrival, double now) override {
    if (waiting_.empty()) {
      // The first cycle boundary after `now`.
      const double c = settings_.fusion_cycle_seconds;
      cycle_end_ = (std::floor(now / c) + 1) * c;
    }
    waiting_.emplace_back(task, arrival);
  }

  std::optional<CommDispatch> pick(double now, std::int64_t) override {
    if (outgoing_.empty() && !waiting_.empty() && now >= cycle_end_) {
      // The cycle ends: fuse what became ready during it, in ready order.
      for (const auto &[task, arrival] : waiting_) {
        if (outgoing_.empty() || outgoing_.back().bytes + task.bytes > settings_.fusion_bytes) {
          outgoing_.push_back(whole(task, arrival));
        } else {
          outgoing_.back().pieces.push_back(CommPiece{task.id, 0, task.bytes});
          outgoing_.back().bytes += task.bytes;
        }
        finished_giving(task.id);
      }
      waiting_.clear();
    }
    if (outgoing_.empty())
      return std::nullopt;
    CommDispatch d = std::move(outgoing_.front());
    outgoing_.pop_front();
    return d;
  }

private:
  std::vector<std::pair<CommTask, std::uint64_t>> waiting_;
  std::deque<CommDispatch> outgoing_;
  double cycle_end_ = 0;
};

} // namespace

const char *policy_name(PolicyKind kind) {
  switch (kind) {
  case PolicyKind::Priority:
    return "priority";
  case PolicyKind::Fifo:
    return "fifo";
  case PolicyKind::Buckets:
    return "buckets";
  case PolicyKind::Fusion:
    return "fusion";
  }
  WEFT_RT_INTERNAL_ASSERT(false, "unknown policy kind");
  return "";
}

PolicyKind parse_policy_kind(const std::string &name) {
  for (PolicyKind k :
       {PolicyKind::Priority, PolicyKind::Fifo, PolicyKind::Buckets, PolicyKind::Fusion}) {
    if (name == policy_name(k))
      return k;
  }
  throw weft::Error("unknown communication policy '" + name +
                    "'; the policies are priority, fifo, buckets and fusion");
}

std::uint64_t CommPolicy::ready(const CommTask &task, double now) {
  if (task.bytes < 0) {
    throw weft::Error("communication task " + std::to_string(task.id) + " has " +
                      std::to_string(task.bytes) + " bytes");
  }
  if (!unfinished_.insert(task.id).second) {
    throw weft::Error("communication task " + std::to_string(task.id) +
                      " is ready again before all its bytes went");
  }
  if (task.arrival >= 0 && static_cast<std::uint64_t>(task.arrival) >= arrivals_) {
    throw weft::Error("communication task " + std::to_string(task.id) +
                      " continues an arrival that has not happened");
  }
  const std::uint64_t arrival =
      task.arrival >= 0 ? static_cast<std::uint64_t>(task.arrival) : arrivals_++;
  on_ready(task, arrival, now);
  return arrival;
}

std::optional<CommDispatch> CommPolicy::next(double now) {
  std::optional<CommDispatch> d = pick(now, in_flight_);
  if (d)
    in_flight_ += d->bytes;
  return d;
}

void CommPolicy::completed(const CommDispatch &message) {
  in_flight_ -= message.bytes;
  WEFT_RT_INTERNAL_ASSERT(in_flight_ >= 0, "a message completed twice");
}

void CommPolicy::finished_giving(std::int64_t id) {
  WEFT_RT_INTERNAL_ASSERT(unfinished_.erase(id) == 1, "a task finished that was not ready");
}

std::unique_ptr<CommPolicy> make_policy(const PolicySettings &given) {
  PolicySettings s = given;
  const auto at_least_one = [](std::int64_t v, const char *what) {
    if (v < 1)
      throw weft::Error(std::string("communication policy: ") + what + " must be at least 1 byte, got " +
                        std::to_string(v));
  };
  at_least_one(s.partition_bytes, "the partition size");
  at_least_one(s.credit_bytes, "the credit");
  at_least_one(s.bucket_bytes, "the bucket size");
  at_least_one(s.first_bucket_bytes, "the first bucket's size");
  at_least_one(s.fusion_bytes, "the fusion threshold");
  if (!(s.fusion_cycle_seconds > 0) || !std::isfinite(s.fusion_cycle_seconds)) {
    throw weft::Error("communication policy: the fusion cycle must be a positive number of "
                      "seconds, got " +
                      std::to_string(s.fusion_cycle_seconds));
  }
  // One chunk always fits, so the least chunk goes once the link drains.
  s.credit_bytes = std::max(s.credit_bytes, s.partition_bytes);
  switch (s.kind) {
  case PolicyKind::Priority:
    return std::make_unique<PriorityPolicy>(s);
  case PolicyKind::Fifo:
    return std::make_unique<FifoPolicy>(s);
  case PolicyKind::Buckets:
    return std::make_unique<BucketPolicy>(s);
  case PolicyKind::Fusion:
    return std::make_unique<FusionPolicy>(s);
  }
  WEFT_RT_INTERNAL_ASSERT(false, "unknown policy kind");
  return nullptr;
}

} // namespace weft::rt
