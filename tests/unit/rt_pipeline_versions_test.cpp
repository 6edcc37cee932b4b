// Weight versions of the schedules: flush and gpipe run exactly the serial program, 1f1b
// stashes (staleness p - 1 - s, p - s versions alive), 2bw keeps two versions with
// staleness 1.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

#include "weft/rt/pipeline_schedule.h"

namespace weft::rt::pipeline {
namespace {

// The serial program with gradient accumulation runs minibatch t with version t and then
// makes t + 1. A schedule whose every forward and backward of minibatch t uses version t
// and whose update of t makes t + 1 computes the same gradients on the same weights.
TEST(PipelineScheduleVersions, FlushAndGpipeRunMinibatchTWithVersionTLikeTheSerialProgram) {
  for (ScheduleKind kind : {ScheduleKind::flush, ScheduleKind::gpipe}) {
    for (int p = 1; p <= 5; ++p) {
      for (int m = 1; m <= 8; ++m) {
        const Schedule s = make_schedule(kind, p, m, 3);
        for (const auto &list : s.ops) {
          for (const Op &op : list)
            EXPECT_EQ(op.version, op.kind == OpKind::update ? op.minibatch + 1 : op.minibatch);
        }
        for (const StageVersions &v : weight_versions(s)) {
          EXPECT_EQ(v.max_staleness, 0);
          EXPECT_EQ(v.max_versions_alive, 1);
        }
      }
    }
  }
}

// Under a flush no forward of minibatch t + 1 runs on a stage before that stage's update
// of minibatch t.
TEST(PipelineScheduleVersions, FlushAndGpipeStartNoMinibatchBeforeThePreviousUpdate) {
  for (ScheduleKind kind : {ScheduleKind::flush, ScheduleKind::gpipe}) {
    const Schedule s = make_schedule(kind, 4, 8, 3);
    for (const auto &list : s.ops) {
      int updates = 0;
      for (const Op &op : list) {
        if (op.kind == OpKind::update)
          ++updates;
        else
          EXPECT_EQ(op.minibatch, updates);
      }
    }
  }
}

TEST(PipelineScheduleVersions, OneFOneBBackwardUsesTheVersionItsForwardUsed) {
  for (int p = 1; p <= 6; ++p) {
    const Schedule s = make_schedule(ScheduleKind::one_f_one_b, p, 1, 3 * p);
    for (const auto &list : s.ops) {
      std::map<int, int> forward_version;
      for (const Op &op : list) {
        if (op.kind == OpKind::forward)
          forward_version[op.microbatch] = op.version;
        if (op.kind == OpKind::backward) {
          ASSERT_TRUE(forward_version.count(op.microbatch));
          EXPECT_EQ(op.version, forward_version[op.microbatch]);
        }
      }
    }
  }
}

// Forward of microbatch i on stage s follows the updates of microbatches 0 .. i - (p - s):
// it uses version i - (p - 1 - s), p - 1 - s behind the serial program, once i >= p - s.
TEST(PipelineScheduleVersions, OneFOneBStalenessIsPMinusOneMinusS) {
  for (int p = 1; p <= 6; ++p) {
    const Schedule s = make_schedule(ScheduleKind::one_f_one_b, p, 1, 3 * p);
    const std::vector<StageVersions> versions = weight_versions(s);
    for (int stage = 0; stage < p; ++stage) {
      EXPECT_EQ(versions[stage].max_staleness, p - 1 - stage) << "p=" << p << " s=" << stage;
      for (const Op &op : s.ops[stage]) {
        if (op.kind == OpKind::forward && op.microbatch >= p - stage) {
          EXPECT_EQ(op.minibatch - op.version, p - 1 - stage);
        }
      }
    }
  }
}

// The stashed versions are those of the p - s forwards in flight, the newest among them:
// p - s versions alive, within the warm-up (p - s forwards) + 1.
TEST(PipelineScheduleVersions, OneFOneBKeepsOneVersionPerForwardInFlight) {
  for (int p = 1; p <= 6; ++p) {
    const Schedule s = make_schedule(ScheduleKind::one_f_one_b, p, 1, 3 * p);
    const std::vector<StageVersions> versions = weight_versions(s);
    for (int stage = 0; stage < p; ++stage) {
      const int warm_up = p - stage;
      EXPECT_EQ(versions[stage].max_versions_alive, warm_up) << "p=" << p << " s=" << stage;
      EXPECT_LE(versions[stage].max_versions_alive, warm_up + 1);
    }
  }
}

TEST(PipelineScheduleVersions, TwoBWKeepsAtMostTwoVersionsWithStalenessOne) {
  for (int p = 1; p <= 6; ++p) {
    for (int m = std::max(1, p - 1); m <= p + 3; ++m) {
      for (int n = 1; n <= 4; ++n) {
        const Schedule s = make_schedule(ScheduleKind::two_bw, p, m, n);
        for (const StageVersions &v : weight_versions(s)) {
          // With one minibatch every op uses version 0: one version, not stale.
          EXPECT_EQ(v.max_versions_alive, n == 1 ? 1 : 2) << "p=" << p << " m=" << m;
          EXPECT_EQ(v.max_staleness, n == 1 ? 0 : 1) << "p=" << p << " m=" << m;
        }
      }
    }
  }
}

// W(t + 1) = W(t) - lr * grad(W(t - 1)): minibatch t computes with version t - 1 (0 for
// the first two) on every stage, and its update makes t + 1.
TEST(PipelineScheduleVersions, TwoBWRunsMinibatchTWithVersionTMinusOne) {
  const Schedule s = make_schedule(ScheduleKind::two_bw, 4, 4, 5);
  for (const auto &list : s.ops) {
    for (const Op &op : list) {
      EXPECT_EQ(op.version,
                op.kind == OpKind::update ? op.minibatch + 1 : std::max(op.minibatch - 1, 0));
    }
  }
}

TEST(PipelineScheduleVersions, WeightVersionsRefusesAnInvalidSchedule) {
  Schedule s = make_schedule(ScheduleKind::flush, 2, 2, 1);
  s.ops[0].pop_back();
  EXPECT_THROW(weight_versions(s), ScheduleError);
}

} // namespace
} // namespace weft::rt::pipeline
