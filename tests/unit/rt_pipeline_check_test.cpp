// check_schedule: one broken schedule per violation it names, each refused with a message
// that says which op breaks which rule.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "rt_pipeline_notation.h"
#include "weft/rt/pipeline_schedule.h"

namespace weft::rt::pipeline {
namespace {

using test::parse_ops;

void expect_violation(const Schedule &schedule, const std::string &fragment) {
  const std::string message = check_schedule(schedule);
  EXPECT_NE(message.find(fragment), std::string::npos)
      << "message: '" << message << "', expected to contain '" << fragment << "'";
}

Schedule by_hand(ScheduleKind kind, int m, int n, const std::vector<std::string> &lists) {
  Schedule s;
  s.kind = kind;
  s.stages = static_cast<int>(lists.size());
  s.microbatches_per_minibatch = m;
  s.minibatches = n;
  for (const auto &list : lists)
    s.ops.push_back(parse_ops(list, m));
  return s;
}

TEST(PipelineScheduleCheck, AcceptsAHandWrittenValidSchedule) {
  EXPECT_EQ(
      check_schedule(by_hand(ScheduleKind::flush, 2, 1, {"F0 F1 B0 B1 U0", "F0 B0 F1 B1 U0"})), "");
}

TEST(PipelineScheduleCheck, RejectsCountsBelowOne) {
  Schedule s = make_schedule(ScheduleKind::flush, 2, 2, 1);
  s.minibatches = 0;
  expect_violation(s, "each must be at least 1");
}

TEST(PipelineScheduleCheck, RejectsAListCountOtherThanTheStages) {
  Schedule s = make_schedule(ScheduleKind::flush, 2, 4, 1);
  s.ops.pop_back();
  expect_violation(s, "the schedule has 1 op lists for 2 stages");
}

TEST(PipelineScheduleCheck, RejectsAMicrobatchOutOfRange) {
  Schedule s = make_schedule(ScheduleKind::gpipe, 2, 4, 1);
  s.ops[0][0].microbatch = 4;
  expect_violation(s, "stage 0, op 0 (forward of microbatch 4): microbatch out of range [0, 4)");
}

TEST(PipelineScheduleCheck, RejectsAnUpdateOfAMinibatchOutOfRange) {
  Schedule s = make_schedule(ScheduleKind::gpipe, 2, 4, 1);
  s.ops[1].back().minibatch = 1;
  expect_violation(s, "stage 1, op 8 (update of minibatch 1): minibatch out of range [0, 1)");
}

TEST(PipelineScheduleCheck, RejectsAMinibatchThatDisagreesWithTheMicrobatch) {
  Schedule s = make_schedule(ScheduleKind::flush, 2, 4, 2);
  s.ops[0][0].minibatch = 1;
  expect_violation(s, "names minibatch 1, but microbatch 0 belongs to minibatch 0");
}

TEST(PipelineScheduleCheck, RejectsAnOpThatAppearsTwice) {
  Schedule s = make_schedule(ScheduleKind::flush, 2, 4, 1);
  s.ops[1].push_back(s.ops[1][0]);
  expect_violation(s, "stage 1, op 9 (forward of microbatch 0): appears twice, first as op 0");
}

TEST(PipelineScheduleCheck, RejectsAMissingBackward) {
  Schedule s = make_schedule(ScheduleKind::flush, 2, 4, 1);
  s.ops[1].erase(s.ops[1].begin() + 1); // B0
  expect_violation(s, "stage 1 has no backward of microbatch 0");
}

TEST(PipelineScheduleCheck, RejectsAMissingForward) {
  Schedule s = make_schedule(ScheduleKind::gpipe, 2, 4, 1);
  s.ops[0].erase(s.ops[0].begin() + 2); // F2
  expect_violation(s, "stage 0 has no forward of microbatch 2");
}

TEST(PipelineScheduleCheck, RejectsAMissingUpdate) {
  Schedule s = make_schedule(ScheduleKind::gpipe, 2, 4, 1);
  s.ops[0].pop_back();
  expect_violation(s, "stage 0 has no update of minibatch 0");
}

TEST(PipelineScheduleCheck, RejectsABackwardBeforeItsForward) {
  Schedule s = make_schedule(ScheduleKind::flush, 2, 4, 1);
  std::swap(s.ops[1][0], s.ops[1][1]); // B0 F0
  expect_violation(s, "stage 1, op 0 (backward of microbatch 0): runs before its forward (op 1)");
}

TEST(PipelineScheduleCheck, RejectsAnUpdateBeforeABackwardItApplies) {
  Schedule s = make_schedule(ScheduleKind::flush, 2, 4, 1);
  std::swap(s.ops[0][7], s.ops[0][8]); // ... U0 B3
  expect_violation(
      s, "stage 0, op 7 (update of minibatch 0): runs before the backward of microbatch 3");
}

TEST(PipelineScheduleCheck, RejectsUpdatesOutOfMinibatchOrder) {
  expect_violation(by_hand(ScheduleKind::one_f_one_b, 1, 2, {"F0 B0 F1 B1 U1@1 U0@2"}),
                   "stage 0, op 4 (update of minibatch 1): is the stage's update number 0");
}

TEST(PipelineScheduleCheck, RejectsAnUpdateThatSkipsAVersion) {
  expect_violation(by_hand(ScheduleKind::one_f_one_b, 1, 1, {"F0 B0 U0@2"}),
                   "makes version 2, but the stage's previous version is 0");
}

TEST(PipelineScheduleCheck, RejectsAForwardThatUsesAVersionNotMadeYet) {
  expect_violation(by_hand(ScheduleKind::one_f_one_b, 1, 1, {"F0@1 B0@1 U0"}),
                   "stage 0, op 0 (forward of microbatch 0): uses version 1, which the stage "
                   "has not made (its newest is 0)");
}

TEST(PipelineScheduleCheck, RejectsABackwardWithOtherWeightsThanItsForward) {
  Schedule s = make_schedule(ScheduleKind::one_f_one_b, 2, 1, 4);
  s.ops[0][5].version = 1; // B1@0 of "F0 F1 B0 U0 F2@1 B1@0 ..."
  expect_violation(s, "stage 0, op 5 (backward of microbatch 1): uses version 1, but its forward "
                      "used version 0");
}

// The kind's version rule: a version that exists but is not the one the kind prescribes.
TEST(PipelineScheduleCheck, RejectsAFlushForwardWithAnOlderMinibatchsVersion) {
  Schedule s = make_schedule(ScheduleKind::flush, 2, 4, 2);
  s.ops[0][9].version = 0; // F4@1, after U0
  expect_violation(s, "stage 0, op 9 (forward of microbatch 4): uses version 0; under flush it "
                      "must use 1");
}

TEST(PipelineScheduleCheck, RejectsAOneFOneBForwardThatSkipsTheNewestVersion) {
  Schedule s = make_schedule(ScheduleKind::one_f_one_b, 2, 1, 4);
  s.ops[0][4].version = 0; // F2@1
  expect_violation(s, "uses version 0; under 1f1b it must use 1");
}

TEST(PipelineScheduleCheck, RejectsATwoBWForwardWithANewerVersionThanTMinusOne) {
  Schedule s = make_schedule(ScheduleKind::two_bw, 2, 4, 3);
  s.ops[1][9].version = 1; // F4@0 after U0 on stage 1
  expect_violation(s, "stage 1, op 9 (forward of microbatch 4): uses version 1; under 2bw it "
                      "must use 0");
}

// Stage 0 waits for B0 from stage 1 before sending F1; stage 1 waits for F1 before B0.
TEST(PipelineScheduleCheck, RejectsListsThatDeadlockAcrossStages) {
  expect_violation(by_hand(ScheduleKind::flush, 2, 1, {"F0 B0 F1 B1 U0", "F0 F1 B0 B1 U0"}),
                   "the schedule deadlocks: stage 0, op 1 (backward of microbatch 0) waits for "
                   "stage 1's backward of microbatch 0; stage 1, op 1 (forward of microbatch 1) "
                   "waits for stage 0's forward of microbatch 1");
}

} // namespace
} // namespace weft::rt::pipeline
