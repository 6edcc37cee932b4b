// make_schedule: every kind's op lists against lists written out by hand, the names of
// the kinds, and the requests it refuses.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rt_pipeline_notation.h"
#include "weft/rt/pipeline_schedule.h"

namespace weft::rt::pipeline {
namespace {

using test::normalized;
using test::print_ops;

// Compares every stage's list with the hand-written one.
void expect_lists(const Schedule &schedule, const std::vector<std::string> &expected) {
  ASSERT_EQ(schedule.ops.size(), expected.size());
  for (std::size_t s = 0; s < expected.size(); ++s) {
    EXPECT_EQ(print_ops(schedule.ops[s]),
              normalized(expected[s], schedule.microbatches_per_minibatch))
        << "stage " << s;
  }
  EXPECT_EQ(check_schedule(schedule), "");
}

TEST(PipelineScheduleNames, ParseAndPrintRoundTrip) {
  for (const char *name : {"flush", "gpipe", "1f1b", "2bw"})
    EXPECT_STREQ(schedule_kind_name(parse_schedule_kind(name)), name);
  EXPECT_EQ(parse_schedule_kind("1f1b"), ScheduleKind::one_f_one_b);
  EXPECT_EQ(parse_schedule_kind("2bw"), ScheduleKind::two_bw);
}

TEST(PipelineScheduleNames, UnknownNameListsTheValidOnes) {
  try {
    parse_schedule_kind("pipedream");
    FAIL() << "no error";
  } catch (const ScheduleError &e) {
    EXPECT_EQ(std::string(e.what()),
              "unknown pipeline schedule 'pipedream'; the schedules are flush, gpipe, 1f1b, 2bw");
  }
}

TEST(PipelineScheduleRequests, CountsBelowOneAreRefused) {
  EXPECT_THROW(make_schedule(ScheduleKind::flush, 0, 4, 1), ScheduleError);
  EXPECT_THROW(make_schedule(ScheduleKind::gpipe, 2, 0, 1), ScheduleError);
  EXPECT_THROW(make_schedule(ScheduleKind::flush, 2, 4, 0), ScheduleError);
  EXPECT_THROW(bubble_fraction(ScheduleKind::flush, 2, 0), ScheduleError);
}

TEST(PipelineScheduleRequests, MoreMicrobatchesThanAnIntNumbersAreRefused) {
  EXPECT_THROW(make_schedule(ScheduleKind::flush, 2, 1 << 16, 1 << 16), ScheduleError);
}

TEST(PipelineScheduleRequests, OneFOneBNeedsOneMicrobatchPerMinibatch) {
  EXPECT_THROW(make_schedule(ScheduleKind::one_f_one_b, 2, 4, 3), ScheduleError);
  EXPECT_NO_THROW(make_schedule(ScheduleKind::one_f_one_b, 2, 1, 3));
}

TEST(PipelineScheduleRequests, TwoBWNeedsAtLeastPMinusOneMicrobatches) {
  EXPECT_THROW(make_schedule(ScheduleKind::two_bw, 4, 2, 3), ScheduleError);
  EXPECT_NO_THROW(make_schedule(ScheduleKind::two_bw, 4, 3, 3));
}

// Stage s admits min(p - s, m) forwards before its first backward, then alternates; one
// update per minibatch after its backwards; minibatch t uses version t.
TEST(PipelineScheduleLists, FlushTwoStagesFourMicrobatchesTwoMinibatches) {
  expect_lists(make_schedule(ScheduleKind::flush, 2, 4, 2),
               {"F0 F1 B0 F2 B1 F3 B2 B3 U0 "
                "F4@1 F5@1 B4@1 F6@1 B5@1 F7@1 B6@1 B7@1 U1",
                "F0 B0 F1 B1 F2 B2 F3 B3 U0 "
                "F4@1 B4@1 F5@1 B5@1 F6@1 B6@1 F7@1 B7@1 U1"});
}

TEST(PipelineScheduleLists, FlushFourStagesEightMicrobatches) {
  expect_lists(make_schedule(ScheduleKind::flush, 4, 8, 1),
               {"F0 F1 F2 F3 B0 F4 B1 F5 B2 F6 B3 F7 B4 B5 B6 B7 U0",
                "F0 F1 F2 B0 F3 B1 F4 B2 F5 B3 F6 B4 F7 B5 B6 B7 U0",
                "F0 F1 B0 F2 B1 F3 B2 F4 B3 F5 B4 F6 B5 F7 B6 B7 U0",
                "F0 B0 F1 B1 F2 B2 F3 B3 F4 B4 F5 B5 F6 B6 F7 B7 U0"});
}

TEST(PipelineScheduleLists, FlushWithFewerMicrobatchesThanStagesRunsAllForwardsFirst) {
  expect_lists(make_schedule(ScheduleKind::flush, 4, 2, 1),
               {"F0 F1 B0 B1 U0", "F0 F1 B0 B1 U0", "F0 F1 B0 B1 U0", "F0 B0 F1 B1 U0"});
}

// All forwards in increasing order, all backwards in decreasing order, one update.
TEST(PipelineScheduleLists, GpipeTwoStagesFourMicrobatchesTwoMinibatches) {
  const std::string second = " F4@1 F5@1 F6@1 F7@1 B7@1 B6@1 B5@1 B4@1 U1";
  expect_lists(make_schedule(ScheduleKind::gpipe, 2, 4, 2),
               {"F0 F1 F2 F3 B3 B2 B1 B0 U0" + second, "F0 F1 F2 F3 B3 B2 B1 B0 U0" + second});
}

TEST(PipelineScheduleLists, GpipeFourStagesEightMicrobatches) {
  const std::string list = "F0 F1 F2 F3 F4 F5 F6 F7 B7 B6 B5 B4 B3 B2 B1 B0 U0";
  expect_lists(make_schedule(ScheduleKind::gpipe, 4, 8, 1), {list, list, list, list});
}

// p - s forwards in flight, an update after every backward; a forward uses the stage's
// newest version, a backward its forward's.
TEST(PipelineScheduleLists, OneFOneBTwoStagesFourMinibatches) {
  expect_lists(make_schedule(ScheduleKind::one_f_one_b, 2, 1, 4),
               {"F0@0 F1@0 B0@0 U0@1 F2@1 B1@0 U1@2 F3@2 B2@1 U2@3 B3@2 U3@4",
                "F0@0 B0@0 U0@1 F1@1 B1@1 U1@2 F2@2 B2@2 U2@3 F3@3 B3@3 U3@4"});
}

TEST(PipelineScheduleLists, OneFOneBFourStagesEightMinibatches) {
  expect_lists(make_schedule(ScheduleKind::one_f_one_b, 4, 1, 8),
               {"F0@0 F1@0 F2@0 F3@0 B0@0 U0 F4@1 B1@0 U1 F5@2 B2@0 U2 F6@3 B3@0 U3 F7@4 "
                "B4@1 U4 B5@2 U5 B6@3 U6 B7@4 U7",
                "F0@0 F1@0 F2@0 B0@0 U0 F3@1 B1@0 U1 F4@2 B2@0 U2 F5@3 B3@1 U3 F6@4 B4@2 U4 "
                "F7@5 B5@3 U5 B6@4 U6 B7@5 U7",
                "F0@0 F1@0 B0@0 U0 F2@1 B1@0 U1 F3@2 B2@1 U2 F4@3 B3@2 U3 F5@4 B4@3 U4 F6@5 "
                "B5@4 U5 F7@6 B6@5 U6 B7@6 U7",
                "F0@0 B0@0 U0 F1@1 B1@1 U1 F2@2 B2@2 U2 F3@3 B3@3 U3 F4@4 B4@4 U4 F5@5 B5@5 "
                "U5 F6@6 B6@6 U6 F7@7 B7@7 U7"});
}

// The 1f1b order over all microbatches, an update after each minibatch's last backward;
// minibatch t uses version max(t - 1, 0).
TEST(PipelineScheduleLists, TwoBWTwoStagesFourMicrobatchesThreeMinibatches) {
  expect_lists(make_schedule(ScheduleKind::two_bw, 2, 4, 3),
               {"F0 F1 B0 F2 B1 F3 B2 F4 B3 U0 F5 B4 F6 B5 F7 B6 F8@1 B7 U1 "
                "F9@1 B8@1 F10@1 B9@1 F11@1 B10@1 B11@1 U2",
                "F0 B0 F1 B1 F2 B2 F3 B3 U0 F4 B4 F5 B5 F6 B6 F7 B7 U1 "
                "F8@1 B8@1 F9@1 B9@1 F10@1 B10@1 F11@1 B11@1 U2"});
}

TEST(PipelineScheduleLists, TwoBWFourStagesEightMicrobatchesTwoMinibatches) {
  expect_lists(make_schedule(ScheduleKind::two_bw, 4, 8, 2),
               {"F0 F1 F2 F3 B0 F4 B1 F5 B2 F6 B3 F7 B4 F8 B5 F9 B6 F10 B7 U0 F11 "
                "B8 F12 B9 F13 B10 F14 B11 F15 B12 B13 B14 B15 U1",
                "F0 F1 F2 B0 F3 B1 F4 B2 F5 B3 F6 B4 F7 B5 F8 B6 F9 B7 U0 F10 "
                "B8 F11 B9 F12 B10 F13 B11 F14 B12 F15 B13 B14 B15 U1",
                "F0 F1 B0 F2 B1 F3 B2 F4 B3 F5 B4 F6 B5 F7 B6 F8 B7 U0 F9 "
                "B8 F10 B9 F11 B10 F12 B11 F13 B12 F14 B13 F15 B14 B15 U1",
                "F0 B0 F1 B1 F2 B2 F3 B3 F4 B4 F5 B5 F6 B6 F7 B7 U0 F8 "
                "B8 F9 B9 F10 B10 F11 B11 F12 B12 F13 B13 F14 B14 F15 B15 U1"});
}

// One stage (data parallelism, or a single replica): every kind is the serial loop.
TEST(PipelineScheduleLists, OneStageIsTheSerialLoop) {
  expect_lists(make_schedule(ScheduleKind::flush, 1, 2, 2),
               {"F0 B0 F1 B1 U0 F2@1 B2@1 F3@1 B3@1 U1"});
  expect_lists(make_schedule(ScheduleKind::one_f_one_b, 1, 1, 2), {"F0 B0 U0 F1@1 B1@1 U1"});
}

TEST(PipelineScheduleLists, EveryKindPassesItsCheckOverManyShapes) {
  for (int p = 1; p <= 6; ++p) {
    for (int m = 1; m <= 9; ++m) {
      for (int n = 1; n <= 3; ++n) {
        for (ScheduleKind kind : {ScheduleKind::flush, ScheduleKind::gpipe,
                                  ScheduleKind::one_f_one_b, ScheduleKind::two_bw}) {
          if ((kind == ScheduleKind::one_f_one_b && m != 1) ||
              (kind == ScheduleKind::two_bw && m < p - 1))
            continue;
          const Schedule s = make_schedule(kind, p, m, n);
          EXPECT_EQ(check_schedule(s), "")
              << schedule_kind_name(kind) << " p=" << p << " m=" << m << " n=" << n;
          for (const auto &list : s.ops)
            EXPECT_EQ(list.size(), static_cast<std::size_t>(2 * n * m + n));
        }
      }
    }
  }
}

} // namespace
} // namespace weft::rt::pipeline
