// weft/rt/pipeline_schedule.h — the order in which each stage of a pipelined training
// loop runs its forwards, backwards and weight updates, which weight version each of
// them uses, and what that order costs.
//
//   const weft::rt::pipeline::Schedule s = weft::rt::pipeline::make_schedule(
//       weft::rt::pipeline::ScheduleKind::flush, /*stages*/ 4, /*microbatches*/ 8,
//       /*minibatches*/ 100);
//   for (const weft::rt::pipeline::Op &op : s.ops[stage]) ...  // what `stage` runs, in order
//
// Everything is in weft::rt::pipeline: its names (Schedule, Op) are the pipeline's own.
//
// A pipeline cuts the layers of the serial training loop into p stages (contiguous layer
// ranges), stage 0 holding the input. Each minibatch is cut into m microbatches; the
// global microbatch i (0-based) belongs to minibatch i / m. Forward(s, i) runs the
// forward of stage s's layers on microbatch i, backward(s, i) its backward (weight
// gradients accumulated into the stage's gradient buffer), update(s, t) one optimizer
// step of stage s's weights with the gradients of minibatch t.
//
// Weight versions: version v of a stage's weights is what v updates have made of the
// initial weights (version 0). The serial program with gradient accumulation runs every
// microbatch of minibatch t with version t and then makes version t + 1. The staleness
// of a forward of minibatch t that uses version v is t - v.
//
// The four schedules (each stage's list, in order; F/B/U = forward/backward/update):
//
//   flush (PipeDream-Flush, Megatron-LM's 1F1B with flush). Per minibatch t, stage s runs
//     w = min(p - s - 1, m) warm-up forwards, then m - w pairs (forward, backward), then
//     the w remaining backwards, then U(t). Microbatches go in increasing order, both
//     forwards and backwards. Every F and B of minibatch t uses version t; U(t) makes
//     t + 1. Since no forward of minibatch t + 1 starts on a stage before that stage's
//     U(t), this is exactly the serial program with gradient accumulation.
//   gpipe (GPipe). Per minibatch t: the m forwards in increasing order, then the m
//     backwards in decreasing order (the last stage starts its backwards with the
//     microbatch whose activations it computed last, as in GPipe's figure), then U(t).
//     Versions and exactness as for flush; each stage holds all m microbatches'
//     activations at once, where flush holds at most p - s.
//   1f1b (PipeDream, asynchronous, with weight stashing). No flushes; a minibatch is one
//     microbatch (m must be 1). Stage s admits p - s forwards before its first backward
//     (PipeDream's NOAM for unreplicated stages), then alternates backward, forward, and
//     ends with the remaining backwards; each backward is followed at once by that
//     stage's update. A forward uses the newest version at its stage; the backward of
//     microbatch i uses the version its forward used (the stash). In steady state the
//     forward of microbatch i on stage s follows i - (p - s) + 1 updates: staleness
//     p - 1 - s. At most p - s versions are alive per stage (the stashes of the p - s
//     microbatches in flight, the newest among them).
//   2bw (PipeDream-2BW, Narayanan et al., "Memory-Efficient Pipeline-Parallel DNN
//     Training", ICML 2021: double-buffered weight updates). The 1f1b order over all
//     n * m microbatches (p - s forwards in flight on stage s), without flushes;
//     gradients accumulate over the m microbatches of a minibatch and U(t) follows the
//     backward of minibatch t's last microbatch. Every F and B of minibatch t uses
//     version max(t - 1, 0), so that
//         W(t + 1) = W(t) - lr * grad(W(t - 1)):
//     staleness 1 on every stage from minibatch 1 on. When U(t) makes t + 1, minibatch
//     t's backwards are done: only t (which the minibatch t + 1 in flight uses) and
//     t + 1 exist, at most 2 versions per stage. Version t - 1 must exist when minibatch
//     t's first forward runs on stage 0, right after the backward of microbatch t*m - p;
//     U(t - 2) follows that of microbatch (t - 1)*m - 1; so m >= p - 1 is required (the
//     paper asks m >= d, its pipeline depth p, which is sufficient too).
//
// Replicas: data parallelism is a plan of one stage with r replicas; a replicated stage
// has one op list, which every replica runs over its share of each microbatch (the
// replicas' gradients summed before each update). Nothing here depends on the replicas.
#pragma once

#include <string>
#include <vector>

#include "weft/detail/error.h"

namespace weft::rt::pipeline {

// A bad schedule request: an unknown schedule name, a count below 1, a time vector of the
// wrong length, or a broken schedule handed to simulate. The message says which.
struct ScheduleError : weft::Error {
  using weft::Error::Error;
};

enum class ScheduleKind { flush, gpipe, one_f_one_b, two_bw };

// "flush", "gpipe", "1f1b", "2bw"; any other name is a ScheduleError listing those.
ScheduleKind parse_schedule_kind(const std::string &name);
const char *schedule_kind_name(ScheduleKind kind);

enum class OpKind { forward, backward, update };

const char *op_kind_name(OpKind kind);

// One step of a stage's list.
struct Op {
  OpKind kind = OpKind::forward;
  // The global microbatch (0-based) of a forward or backward; kNoMicrobatch for an update,
  // which consumes the backwards of every microbatch of its minibatch.
  int microbatch = 0;
  // The minibatch: microbatch / m for a forward or backward, the one whose gradients an
  // update applies.
  int minibatch = 0;
  // The weight version a forward or backward computes with; the version an update makes.
  int version = 0;

  static constexpr int kNoMicrobatch = -1;
};

// The op lists of every stage.
struct Schedule {
  ScheduleKind kind = ScheduleKind::flush;
  int stages = 1;                     // p
  int microbatches_per_minibatch = 1; // m
  int minibatches = 1;                // n; the microbatches are 0 .. n*m - 1
  std::vector<std::vector<Op>> ops;   // ops[s]: what stage s runs, in order
};

// The schedule of `kind` for p stages, m microbatches per minibatch and n minibatches.
// ScheduleError when a count is below 1 or n * m does not fit an int, when 1f1b gets
// m != 1, or when 2bw gets m < p - 1.
Schedule make_schedule(ScheduleKind kind, int stages, int microbatches_per_minibatch,
                       int minibatches);

// "" when `schedule` is valid, else a message naming the first violation found:
//   - shape: one list per stage, every op's microbatch and minibatch in range and
//     consistent (minibatch = microbatch / m);
//   - every forward and backward of every (stage, microbatch) and every update of every
//     (stage, minibatch) appears exactly once;
//   - within a stage: backward(s, i) after forward(s, i); update(s, t) after every
//     backward(s, i) of minibatch t;
//   - versions: an update makes one more than the stage's previous update (the first
//     makes 1), so the updates run in minibatch order; a forward uses a version its stage
//     has already made; a backward uses its forward's version; and the kind's rule holds
//     (flush, gpipe: minibatch t uses t; 1f1b: a forward uses the newest; 2bw: minibatch
//     t uses max(t - 1, 0));
//   - across stages: with forward(s, i) waiting for forward(s - 1, i) and backward(s, i)
//     for backward(s + 1, i), every stage can run its whole list (no deadlock).
std::string check_schedule(const Schedule &schedule);

// Weight versions of one stage, read off its list. A version is alive from the update
// that makes it (or the start, for version 0) until no later op uses it and a newer one
// exists: the newest version plus those stashed for forwards whose backward has not run.
struct StageVersions {
  // Max over forwards of (minibatch - version): the steady-state staleness once the list
  // is long enough to reach its steady state (warm-up forwards are less stale).
  int max_staleness = 0;
  int max_versions_alive = 0; // max over the list of the number of versions alive
};

// Per stage, for a valid schedule.
std::vector<StageVersions> weight_versions(const Schedule &schedule);

// Durations for simulate; per-stage vectors have p entries, `transfer` p - 1: transfer[s]
// is the time an activation takes from stage s to s + 1, and a gradient back.
struct StageTimes {
  std::vector<double> forward;
  std::vector<double> backward;
  std::vector<double> update;
  std::vector<double> transfer;
};

struct Simulation {
  double makespan = 0;                    // when the last op finishes (the first starts at 0)
  std::vector<double> busy;               // per stage, the sum of its ops' durations
  std::vector<double> idle;               // per stage, makespan - busy
  double idle_fraction = 0;               // sum of idle / (p * makespan)
  std::vector<std::vector<double>> start; // start[s][k]: when ops[s][k] starts
};

// Runs `schedule` on p stages, each running its list in order: an op starts when its
// stage has finished the previous op and its input has arrived (forward(s, i): when
// forward(s - 1, i) finished + transfer[s - 1]; backward(s, i): when backward(s + 1, i)
// finished + transfer[s]; an update: at once). ScheduleError when the schedule is invalid
// (check_schedule) or a time vector has the wrong length or a negative entry.
Simulation simulate(const Schedule &schedule, const StageTimes &times);

// The idle fraction of one minibatch with equal stage times and free transfers and
// updates: (p - 1) / (m + p - 1) for flush and gpipe (the fill and drain of each flush).
// 1f1b and 2bw have no flush, so their steady state has no bubble: 0 (a run of N
// microbatches in all has the single fill and drain (p - 1) / (N + p - 1)).
double bubble_fraction(ScheduleKind kind, int stages, int microbatches_per_minibatch);

} // namespace weft::rt::pipeline
