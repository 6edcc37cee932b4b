// The op lists of the four pipeline schedules (make_schedule), their names, and the
// bubble formula. The rules are stated in include/weft/rt/pipeline_schedule.h.
#include "weft/rt/pipeline_schedule.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "internal_assert.h"

namespace weft::rt::pipeline {

namespace {

Op forward(int microbatch, int m) { return Op{OpKind::forward, microbatch, microbatch / m, 0}; }
Op backward(int microbatch, int m) { return Op{OpKind::backward, microbatch, microbatch / m, 0}; }
Op update(int minibatch) { return Op{OpKind::update, Op::kNoMicrobatch, minibatch, 0}; }

// The 1F1B order of microbatches first .. first + count - 1 on a stage that admits
// `in_flight` forwards before its first backward: F(first) .. F(first + k - 1) with
// k = min(in_flight, count), then B(first + j) followed by F(first + j + k) while that
// exists, then the remaining backwards. So F(i) runs after B(i - k) and before B(i - k + 1),
// and at most k microbatches are between their forward and backward. An update of
// minibatch t follows the backward of its last microbatch (t + 1) * m - 1 when
// `update_each_minibatch`.
void append_one_f_one_b(std::vector<Op> &list, int first, int count, int in_flight, int m,
                        bool update_each_minibatch) {
  const int k = std::min(in_flight, count);
  for (int j = 0; j < k; ++j)
    list.push_back(forward(first + j, m));
  for (int j = 0; j < count; ++j) {
    const int i = first + j;
    list.push_back(backward(i, m));
    if (update_each_minibatch && (i + 1) % m == 0)
      list.push_back(update(i / m));
    if (j + k < count)
      list.push_back(forward(i + k, m));
  }
}

// GPipe's order for minibatch t: its forwards in increasing order, its backwards in
// decreasing order, its update.
void append_gpipe(std::vector<Op> &list, int t, int m) {
  for (int j = 0; j < m; ++j)
    list.push_back(forward(t * m + j, m));
  for (int j = m - 1; j >= 0; --j)
    list.push_back(backward(t * m + j, m));
  list.push_back(update(t));
}

// The order of stage s's ops, versions not yet set.
std::vector<Op> stage_order(ScheduleKind kind, int p, int s, int m, int n) {
  std::vector<Op> list;
  switch (kind) {
  case ScheduleKind::flush:
    // Megatron's p - s - 1 warm-up forwards followed by (forward, backward) pairs put
    // p - s forwards before the first backward.
    for (int t = 0; t < n; ++t) {
      append_one_f_one_b(list, t * m, m, p - s, m, /*update_each_minibatch*/ false);
      list.push_back(update(t));
    }
    return list;
  case ScheduleKind::gpipe:
    for (int t = 0; t < n; ++t)
      append_gpipe(list, t, m);
    return list;
  case ScheduleKind::one_f_one_b:
  case ScheduleKind::two_bw:
    append_one_f_one_b(list, 0, n * m, p - s, m, /*update_each_minibatch*/ true);
    return list;
  }
  WEFT_RT_INTERNAL_ASSERT(false, "unknown schedule kind");
  return list;
}

// Sets the versions of one stage's list by its kind's rule. `updates` counts the updates
// already in the list: the newest version. `stash[i]` is the version microbatch i's
// forward used, which its backward uses too.
void set_versions(ScheduleKind kind, std::vector<Op> &list, int microbatches) {
  int updates = 0;
  std::vector<int> stash(static_cast<std::size_t>(microbatches), -1);
  for (Op &op : list) {
    if (op.kind == OpKind::update) {
      WEFT_RT_INTERNAL_ASSERT(op.minibatch == updates, "updates out of minibatch order");
      op.version = ++updates;
      continue;
    }
    int &stashed = stash[static_cast<std::size_t>(op.microbatch)];
    if (op.kind == OpKind::backward) {
      WEFT_RT_INTERNAL_ASSERT(stashed >= 0, "a backward before its forward");
      op.version = stashed;
      continue;
    }
    switch (kind) {
    case ScheduleKind::flush:
    case ScheduleKind::gpipe:
      op.version = op.minibatch;
      break;
    case ScheduleKind::one_f_one_b:
      op.version = updates;
      break;
    case ScheduleKind::two_bw:
      op.version = std::max(op.minibatch - 1, 0);
      break;
    }
    WEFT_RT_INTERNAL_ASSERT(op.version <= updates, "a forward uses a version not made yet");
    stashed = op.version;
  }
}

void require_positive(const char *what, int value) {
  if (value < 1)
    throw ScheduleError("pipeline schedule: " + std::string(what) + " must be at least 1, got " +
                        std::to_string(value));
}

} // namespace

ScheduleKind parse_schedule_kind(const std::string &name) {
  for (ScheduleKind kind : {ScheduleKind::flush, ScheduleKind::gpipe, ScheduleKind::one_f_one_b,
                            ScheduleKind::two_bw}) {
    if (name == schedule_kind_name(kind))
      return kind;
  }
  throw ScheduleError("unknown pipeline schedule '" + name +
                      "'; the schedules are flush, gpipe, 1f1b, 2bw");
}

const char *schedule_kind_name(ScheduleKind kind) {
  switch (kind) {
  case ScheduleKind::flush:
    return "flush";
  case ScheduleKind::gpipe:
    return "gpipe";
  case ScheduleKind::one_f_one_b:
    return "1f1b";
  case ScheduleKind::two_bw:
    return "2bw";
  }
  WEFT_RT_INTERNAL_ASSERT(false, "unknown schedule kind");
  return "";
}

const char *op_kind_name(OpKind kind) {
  switch (kind) {
  case OpKind::forward:
    return "forward";
  case OpKind::backward:
    return "backward";
  case OpKind::update:
    return "update";
  }
  WEFT_RT_INTERNAL_ASSERT(false, "unknown op kind");
  return "";
}

Schedule make_schedule(ScheduleKind kind, int stages, int microbatches_per_minibatch,
                       int minibatches) {
  const int p = stages, m = microbatches_per_minibatch, n = minibatches;
  require_positive("the number of stages", p);
  require_positive("the number of microbatches per minibatch", m);
  require_positive("the number of minibatches", n);
  if (static_cast<long long>(n) * m > std::numeric_limits<int>::max())
    throw ScheduleError("pipeline schedule: " + std::to_string(n) + " minibatches of " +
                        std::to_string(m) + " microbatches are too many to number with an int");
  if (kind == ScheduleKind::one_f_one_b && m != 1)
    throw ScheduleError("pipeline schedule 1f1b updates after every microbatch, so a minibatch "
                        "is one microbatch; got " +
                        std::to_string(m) + " microbatches per minibatch");
  // 2bw: minibatch t's first forward on stage 0 follows the backward of microbatch
  // t*m - p and needs version t - 1, which the update after the backward of microbatch
  // (t - 1)*m - 1 makes: (t - 1)*m - 1 <= t*m - p, i.e. m >= p - 1 (stages s > 0 admit
  // fewer forwards and need less).
  if (kind == ScheduleKind::two_bw && m < p - 1)
    throw ScheduleError("pipeline schedule 2bw needs at least p - 1 = " + std::to_string(p - 1) +
                        " microbatches per minibatch for " + std::to_string(p) +
                        " stages (a minibatch must have made its version before the one after "
                        "next starts), got " +
                        std::to_string(m));
  Schedule schedule;
  schedule.kind = kind;
  schedule.stages = p;
  schedule.microbatches_per_minibatch = m;
  schedule.minibatches = n;
  for (int s = 0; s < p; ++s) {
    schedule.ops.push_back(stage_order(kind, p, s, m, n));
    set_versions(kind, schedule.ops.back(), n * m);
  }
  const std::string violation = check_schedule(schedule);
  WEFT_RT_INTERNAL_ASSERT(violation.empty(),
                          "make_schedule built an invalid schedule: " + violation);
  return schedule;
}

double bubble_fraction(ScheduleKind kind, int stages, int microbatches_per_minibatch) {
  require_positive("the number of stages", stages);
  require_positive("the number of microbatches per minibatch", microbatches_per_minibatch);
  switch (kind) {
  case ScheduleKind::flush:
  case ScheduleKind::gpipe:
    // Each flush: the last stage starts after p - 1 forwards of the first microbatch and
    // stage 0 ends p - 1 backwards after the last stage, so with forward time f and
    // backward time b every stage is busy m (f + b) of (m + p - 1)(f + b).
    return static_cast<double>(stages - 1) / (microbatches_per_minibatch + stages - 1);
  case ScheduleKind::one_f_one_b:
  case ScheduleKind::two_bw:
    return 0.0;
  }
  WEFT_RT_INTERNAL_ASSERT(false, "unknown schedule kind");
  return 0.0;
}

} // namespace weft::rt::pipeline
