// simulate: idle fractions against the bubble formula, and timelines worked out by hand.
#include <gtest/gtest.h>

#include <vector>

#include "weft/rt/pipeline_schedule.h"

namespace weft::rt::pipeline {
namespace {

StageTimes equal_times(int p, double forward, double backward) {
  StageTimes t;
  t.forward.assign(p, forward);
  t.backward.assign(p, backward);
  t.update.assign(p, 0.0);
  t.transfer.assign(p - 1, 0.0);
  return t;
}

// Each flush fills and drains the pipe: (m + p - 1)(f + b) per minibatch, of which every
// stage is busy m (f + b).
TEST(PipelineSimulate, FlushAndGpipeIdleFractionIsTheBubbleFormula) {
  for (ScheduleKind kind : {ScheduleKind::flush, ScheduleKind::gpipe}) {
    for (int p = 1; p <= 6; ++p) {
      for (int m = 1; m <= 10; ++m) {
        for (int n : {1, 3}) {
          for (double backward : {1.0, 2.0}) {
            const Simulation sim =
                simulate(make_schedule(kind, p, m, n), equal_times(p, 1.0, backward));
            EXPECT_NEAR(sim.idle_fraction, bubble_fraction(kind, p, m), 1e-12)
                << schedule_kind_name(kind) << " p=" << p << " m=" << m << " n=" << n;
            EXPECT_NEAR(sim.makespan, n * (m + p - 1) * (1.0 + backward), 1e-9);
          }
        }
      }
    }
  }
}

TEST(PipelineSimulate, BubbleFormulaValues) {
  EXPECT_DOUBLE_EQ(bubble_fraction(ScheduleKind::flush, 4, 8), 3.0 / 11.0);
  EXPECT_DOUBLE_EQ(bubble_fraction(ScheduleKind::gpipe, 2, 4), 1.0 / 5.0);
  EXPECT_DOUBLE_EQ(bubble_fraction(ScheduleKind::flush, 1, 4), 0.0);
  EXPECT_DOUBLE_EQ(bubble_fraction(ScheduleKind::one_f_one_b, 4, 1), 0.0);
  EXPECT_DOUBLE_EQ(bubble_fraction(ScheduleKind::two_bw, 4, 8), 0.0);
}

// Without flushes the pipe fills and drains once over all N = n * m microbatches.
TEST(PipelineSimulate, OneFOneBAndTwoBWFillAndDrainOnce) {
  for (int p = 1; p <= 5; ++p) {
    for (int n = 1; n <= 4; ++n) {
      for (double backward : {1.0, 2.0}) {
        const int N1 = n;
        const Simulation async = simulate(make_schedule(ScheduleKind::one_f_one_b, p, 1, n),
                                          equal_times(p, 1.0, backward));
        EXPECT_NEAR(async.idle_fraction, double(p - 1) / (N1 + p - 1), 1e-12) << "p=" << p;
        const int m = p + 1, N2 = n * m;
        const Simulation two_bw =
            simulate(make_schedule(ScheduleKind::two_bw, p, m, n), equal_times(p, 1.0, backward));
        EXPECT_NEAR(two_bw.idle_fraction, double(p - 1) / (N2 + p - 1), 1e-12) << "p=" << p;
      }
    }
  }
}

// flush, p = 2, m = 2: stage 0 runs F0 F1 B0 B1 U0, stage 1 F0 B0 F1 B1 U0.
// forward 1 and 2, backward 2 and 3, update 0.5 each, transfer 1:
//   stage 0: F0 [0, 1]  F1 [1, 2]                      B0 [8, 10]        B1 [13, 15] U0 [15, 15.5]
//   stage 1: F0 [2, 4] (F0 at 1, + 1)  B0 [4, 7]  F1 [7, 9]  B1 [9, 12]  U0 [12, 12.5]
//   stage 0's B0 gets its gradient at 7 + 1, its B1 at 12 + 1.
TEST(PipelineSimulate, UnequalStagesFlushTimelineByHand) {
  StageTimes t;
  t.forward = {1, 2};
  t.backward = {2, 3};
  t.update = {0.5, 0.5};
  t.transfer = {1};
  const Simulation sim = simulate(make_schedule(ScheduleKind::flush, 2, 2, 1), t);
  EXPECT_DOUBLE_EQ(sim.makespan, 15.5);
  EXPECT_EQ(sim.start[0], (std::vector<double>{0, 1, 8, 13, 15}));
  EXPECT_EQ(sim.start[1], (std::vector<double>{2, 4, 7, 9, 12}));
  EXPECT_EQ(sim.busy, (std::vector<double>{6.5, 10.5}));
  EXPECT_EQ(sim.idle, (std::vector<double>{9, 5}));
  EXPECT_DOUBLE_EQ(sim.idle_fraction, 14.0 / 31.0);
}

// gpipe, same times: stage 0 F0 F1 B1 B0 U0, stage 1 F0 F1 B1 B0 U0.
//   stage 0: F0 [0, 1]  F1 [1, 2]                          B1 [10, 12]  B0 [13, 15]  U0 [15, 15.5]
//   stage 1: F0 [2, 4]  F1 [4, 6] (arrived 3)  B1 [6, 9]  B0 [9, 12]  U0 [12, 12.5]
TEST(PipelineSimulate, UnequalStagesGpipeTimelineByHand) {
  StageTimes t;
  t.forward = {1, 2};
  t.backward = {2, 3};
  t.update = {0.5, 0.5};
  t.transfer = {1};
  const Simulation sim = simulate(make_schedule(ScheduleKind::gpipe, 2, 2, 1), t);
  EXPECT_DOUBLE_EQ(sim.makespan, 15.5);
  EXPECT_EQ(sim.start[0], (std::vector<double>{0, 1, 10, 13, 15}));
  EXPECT_EQ(sim.start[1], (std::vector<double>{2, 4, 6, 9, 12}));
}

// One microbatch through three stages: 3 forwards, 2 transfers, 3 backwards, 2 transfers.
TEST(PipelineSimulate, TransfersAddOnTheCriticalPath) {
  StageTimes t = equal_times(3, 1.0, 1.0);
  t.transfer = {0.5, 0.5};
  const Simulation sim = simulate(make_schedule(ScheduleKind::gpipe, 3, 1, 1), t);
  EXPECT_DOUBLE_EQ(sim.makespan, 8.0);
}

TEST(PipelineSimulate, RefusesTimesOfTheWrongLengthOrSign) {
  const Schedule s = make_schedule(ScheduleKind::flush, 2, 2, 1);
  StageTimes t = equal_times(2, 1.0, 1.0);
  t.transfer = {};
  EXPECT_THROW(simulate(s, t), ScheduleError);
  t = equal_times(2, 1.0, 1.0);
  t.backward[1] = -1;
  EXPECT_THROW(simulate(s, t), ScheduleError);
}

TEST(PipelineSimulate, RefusesAnInvalidSchedule) {
  Schedule s = make_schedule(ScheduleKind::flush, 2, 2, 1);
  s.ops[1].pop_back();
  EXPECT_THROW(simulate(s, equal_times(2, 1.0, 1.0)), ScheduleError);
}

} // namespace
} // namespace weft::rt::pipeline
