// What a pipeline schedule's op lists guarantee, read off the lists: check_schedule (every
// op once, dependencies, version rules, no deadlock) and weight_versions (staleness and
// versions alive). The rules are stated in include/weft/rt/pipeline_schedule.h.
#include "weft/rt/pipeline_schedule.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "internal_assert.h"

namespace weft::rt::pipeline {

namespace {

std::string describe(const Op &op) {
  const std::string what = op_kind_name(op.kind);
  if (op.kind == OpKind::update)
    return what + " of minibatch " + std::to_string(op.minibatch);
  return what + " of microbatch " + std::to_string(op.microbatch);
}

std::string at(int stage, std::size_t index, const Op &op) {
  return "stage " + std::to_string(stage) + ", op " + std::to_string(index) + " (" + describe(op) +
         ")";
}

// Where each op of one stage's list is: position[i] of microbatch i's forward, of its
// backward, and of minibatch t's update; -1 when absent.
struct Positions {
  std::vector<long> forward, backward, update;
};

// Shape and uniqueness of stage s's list: every op names a microbatch and minibatch in
// range that agree, and no op appears twice. Fills `where`.
std::string check_ops_of_stage(const Schedule &schedule, int s, Positions &where) {
  const int m = schedule.microbatches_per_minibatch, n = schedule.minibatches;
  where.forward.assign(static_cast<std::size_t>(n * m), -1);
  where.backward.assign(static_cast<std::size_t>(n * m), -1);
  where.update.assign(static_cast<std::size_t>(n), -1);
  const std::vector<Op> &list = schedule.ops[static_cast<std::size_t>(s)];
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Op &op = list[k];
    long *slot = nullptr;
    if (op.kind == OpKind::update) {
      if (op.microbatch != Op::kNoMicrobatch)
        return at(s, k, op) + ": an update names no microbatch, got " +
               std::to_string(op.microbatch);
      if (op.minibatch < 0 || op.minibatch >= n)
        return at(s, k, op) + ": minibatch out of range [0, " + std::to_string(n) + ")";
      slot = &where.update[static_cast<std::size_t>(op.minibatch)];
    } else {
      if (op.microbatch < 0 || op.microbatch >= n * m)
        return at(s, k, op) + ": microbatch out of range [0, " + std::to_string(n * m) + ")";
      if (op.minibatch != op.microbatch / m)
        return at(s, k, op) + ": names minibatch " + std::to_string(op.minibatch) +
               ", but microbatch " + std::to_string(op.microbatch) + " belongs to minibatch " +
               std::to_string(op.microbatch / m);
      std::vector<long> &of_kind = op.kind == OpKind::forward ? where.forward : where.backward;
      slot = &of_kind[static_cast<std::size_t>(op.microbatch)];
    }
    if (*slot >= 0)
      return at(s, k, op) + ": appears twice, first as op " + std::to_string(*slot);
    *slot = static_cast<long>(k);
  }
  for (int i = 0; i < n * m; ++i) {
    if (where.forward[static_cast<std::size_t>(i)] < 0)
      return "stage " + std::to_string(s) + " has no forward of microbatch " + std::to_string(i);
    if (where.backward[static_cast<std::size_t>(i)] < 0)
      return "stage " + std::to_string(s) + " has no backward of microbatch " + std::to_string(i);
  }
  for (int t = 0; t < n; ++t) {
    if (where.update[static_cast<std::size_t>(t)] < 0)
      return "stage " + std::to_string(s) + " has no update of minibatch " + std::to_string(t);
  }
  return "";
}

// Within stage s: backward(s, i) after forward(s, i), update(s, t) after every
// backward(s, i) with i / m = t.
std::string check_order_within_stage(const Schedule &schedule, int s, const Positions &where) {
  const int m = schedule.microbatches_per_minibatch;
  const std::vector<Op> &list = schedule.ops[static_cast<std::size_t>(s)];
  for (std::size_t i = 0; i < where.forward.size(); ++i) {
    const long b = where.backward[i];
    if (b < where.forward[i])
      return at(s, static_cast<std::size_t>(b), list[static_cast<std::size_t>(b)]) +
             ": runs before its forward (op " + std::to_string(where.forward[i]) + ")";
    const long u = where.update[i / static_cast<std::size_t>(m)];
    if (u < b)
      return at(s, static_cast<std::size_t>(u), list[static_cast<std::size_t>(u)]) +
             ": runs before the backward of microbatch " + std::to_string(i) + " (op " +
             std::to_string(b) + "), whose gradient it applies";
  }
  return "";
}

// The version a forward of minibatch t must use under `kind`, `newest` being the
// stage's newest version when it runs.
int version_rule(ScheduleKind kind, int t, int newest) {
  switch (kind) {
  case ScheduleKind::flush:
  case ScheduleKind::gpipe:
    return t;
  case ScheduleKind::one_f_one_b:
    return newest;
  case ScheduleKind::two_bw:
    return std::max(t - 1, 0);
  }
  WEFT_RT_INTERNAL_ASSERT(false, "unknown schedule kind");
  return 0;
}

// Versions on stage s, in list order: the k-th update makes version k (so updates run in
// minibatch order); a forward uses a version already made, the one the kind's rule
// names; a backward uses its forward's.
std::string check_versions_of_stage(const Schedule &schedule, int s) {
  const std::vector<Op> &list = schedule.ops[static_cast<std::size_t>(s)];
  const int microbatches = schedule.minibatches * schedule.microbatches_per_minibatch;
  std::vector<int> stash(static_cast<std::size_t>(microbatches), -1);
  int newest = 0;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Op &op = list[k];
    if (op.kind == OpKind::update) {
      if (op.minibatch != newest)
        return at(s, k, op) + ": is the stage's update number " + std::to_string(newest) +
               "; updates must apply minibatches in order";
      if (op.version != newest + 1)
        return at(s, k, op) + ": makes version " + std::to_string(op.version) +
               ", but the stage's previous version is " + std::to_string(newest);
      newest = op.version;
    } else if (op.kind == OpKind::forward) {
      if (op.version < 0 || op.version > newest)
        return at(s, k, op) + ": uses version " + std::to_string(op.version) +
               ", which the stage has not made (its newest is " + std::to_string(newest) + ")";
      const int expected = version_rule(schedule.kind, op.minibatch, newest);
      if (op.version != expected)
        return at(s, k, op) + ": uses version " + std::to_string(op.version) + "; under " +
               schedule_kind_name(schedule.kind) + " it must use " + std::to_string(expected);
      stash[static_cast<std::size_t>(op.microbatch)] = op.version;
    } else {
      const int stashed = stash[static_cast<std::size_t>(op.microbatch)];
      if (op.version != stashed)
        return at(s, k, op) + ": uses version " + std::to_string(op.version) +
               ", but its forward used version " + std::to_string(stashed) +
               " (a backward must use its forward's weights)";
    }
  }
  return "";
}

// Across stages: forward(s, i) waits for forward(s - 1, i), backward(s, i) for
// backward(s + 1, i). Every stage can run its whole list iff repeatedly running each
// stage's next op whose input is there runs every op (the lists with these edges and
// program order form an acyclic graph).
std::string check_no_deadlock(const Schedule &schedule) {
  const int p = schedule.stages;
  const int microbatches = schedule.minibatches * schedule.microbatches_per_minibatch;
  std::vector<std::vector<char>> forward_done(static_cast<std::size_t>(p),
                                              std::vector<char>(microbatches, 0));
  std::vector<std::vector<char>> backward_done = forward_done;
  std::vector<std::size_t> next(static_cast<std::size_t>(p), 0);
  auto input_ready = [&](int s, const Op &op) {
    const auto i = static_cast<std::size_t>(op.microbatch);
    switch (op.kind) {
    case OpKind::forward:
      return s == 0 || forward_done[static_cast<std::size_t>(s - 1)][i] != 0;
    case OpKind::backward:
      return s == p - 1 || backward_done[static_cast<std::size_t>(s + 1)][i] != 0;
    case OpKind::update:
      return true;
    }
    return false;
  };
  for (bool moved = true; moved;) {
    moved = false;
    for (int s = 0; s < p; ++s) {
      const auto &list = schedule.ops[static_cast<std::size_t>(s)];
      std::size_t &k = next[static_cast<std::size_t>(s)];
      for (; k < list.size() && input_ready(s, list[k]); ++k, moved = true) {
        const Op &op = list[k];
        if (op.kind == OpKind::forward)
          forward_done[static_cast<std::size_t>(s)][static_cast<std::size_t>(op.microbatch)] = 1;
        if (op.kind == OpKind::backward)
          backward_done[static_cast<std::size_t>(s)][static_cast<std::size_t>(op.microbatch)] = 1;
      }
    }
  }
  std::string stuck;
  for (int s = 0; s < p; ++s) {
    const std::size_t k = next[static_cast<std::size_t>(s)];
    const auto &list = schedule.ops[static_cast<std::size_t>(s)];
    if (k == list.size())
      continue;
    const Op &op = list[k];
    const int from = op.kind == OpKind::forward ? s - 1 : s + 1;
    stuck += (stuck.empty() ? "" : "; ") + at(s, k, op) + " waits for stage " +
             std::to_string(from) + "'s " + describe(op);
  }
  return stuck.empty() ? "" : "the schedule deadlocks: " + stuck;
}

} // namespace

std::string check_schedule(const Schedule &schedule) {
  const int p = schedule.stages, m = schedule.microbatches_per_minibatch;
  const int n = schedule.minibatches;
  if (p < 1 || m < 1 || n < 1)
    return "the schedule has " + std::to_string(p) + " stages, " + std::to_string(m) +
           " microbatches per minibatch and " + std::to_string(n) +
           " minibatches; each must be at least 1";
  if (schedule.ops.size() != static_cast<std::size_t>(p))
    return "the schedule has " + std::to_string(schedule.ops.size()) + " op lists for " +
           std::to_string(p) + " stages";
  for (int s = 0; s < p; ++s) {
    Positions where;
    std::string violation = check_ops_of_stage(schedule, s, where);
    if (violation.empty())
      violation = check_order_within_stage(schedule, s, where);
    if (violation.empty())
      violation = check_versions_of_stage(schedule, s);
    if (!violation.empty())
      return violation;
  }
  return check_no_deadlock(schedule);
}

std::vector<StageVersions> weight_versions(const Schedule &schedule) {
  const std::string violation = check_schedule(schedule);
  if (!violation.empty())
    throw ScheduleError("weight_versions needs a valid schedule: " + violation);
  std::vector<StageVersions> result;
  for (const std::vector<Op> &list : schedule.ops) {
    StageVersions stage;
    int newest = 0;
    // Version -> forwards that used it and whose backward has not run yet.
    std::map<int, int> stashed;
    for (const Op &op : list) {
      if (op.kind == OpKind::forward) {
        stage.max_staleness = std::max(stage.max_staleness, op.minibatch - op.version);
        ++stashed[op.version];
      } else if (op.kind == OpKind::backward) {
        if (--stashed[op.version] == 0)
          stashed.erase(op.version);
      } else {
        newest = op.version;
      }
      // Alive after this op: the newest version and every stashed one.
      const int alive = static_cast<int>(stashed.size()) + (stashed.count(newest) ? 0 : 1);
      stage.max_versions_alive = std::max(stage.max_versions_alive, alive);
    }
    result.push_back(stage);
  }
  return result;
}

} // namespace weft::rt::pipeline
