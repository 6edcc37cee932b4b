// The CPU pipeline executor (weft/rt/pipeline.h) on a 3-layer MLP trained with Adam:
// every plan that fits the processes (pipelines of 2 and 3 stages, data parallelism,
// stages with replicas; flush and gpipe; 1 to 4 microbatches) leaves, after every
// training step, the weights, optimizer moments, gradients, the last minibatch's
// activations and the loss that the serial loop leaves, within float summation order.
#include <gtest/gtest.h>
#include <weft/nn.h>
#include <weft/rt/pipeline.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "mpi_test_session.h"

namespace {

using weft_test::session;
namespace nn = weft::nn;
namespace pl = weft::rt::pipeline;

constexpr std::int64_t kIn = 12, kH1 = 10, kH2 = 8, kClasses = 4, kExamples = 96, kB = 24;
constexpr std::int64_t kBatches = kExamples / kB;
constexpr float kLr = 0.01f;

// The sample's network, with every array the training step touches.
struct Net {
  nn::Tensor X{{kExamples, kIn}};
  nn::Labels y{{kExamples}};
  nn::Tensor W1{{kH1, kIn}}, b1{{1, kH1}}, W2{{kH2, kH1}}, b2{{1, kH2}}, W3{{kClasses, kH2}},
      b3{{1, kClasses}};
  nn::Tensor dW1{{kH1, kIn}}, db1{{1, kH1}}, dW2{{kH2, kH1}}, db2{{1, kH2}}, dW3{{kClasses, kH2}},
      db3{{1, kClasses}};
  nn::Tensor mW1{{kH1, kIn}}, mb1{{1, kH1}}, mW2{{kH2, kH1}}, mb2{{1, kH2}}, mW3{{kClasses, kH2}},
      mb3{{1, kClasses}};
  nn::Tensor vW1{{kH1, kIn}}, vb1{{1, kH1}}, vW2{{kH2, kH1}}, vb2{{1, kH2}}, vW3{{kClasses, kH2}},
      vb3{{1, kClasses}};
  nn::Tensor Z1{{kB, kH1}}, H1{{kB, kH1}}, Z2{{kB, kH2}}, H2{{kB, kH2}}, Z3{{kB, kClasses}},
      dZ3{{kB, kClasses}}, dH2{{kB, kH2}}, dZ2{{kB, kH2}}, dH1{{kB, kH1}}, dZ1{{kB, kH1}};
  weft::Accumulator<double> loss{0.0};

  Net() {
    X.randomize(7, -1.0f, 1.0f);
    for (std::int64_t i = 0; i < kExamples; ++i)
      y(i) = static_cast<std::int32_t>((i * 7 + 3) % kClasses);
    nn::init_glorot(W1, 1);
    nn::init_glorot(W2, 2);
    nn::init_glorot(W3, 3);
  }

  // The loop body's three layers, as the rewrite cuts it.
  void forward1(std::int64_t b, bool micro) {
    nn::ConstMatrix x = nn::rows(X, b * kB, kB);
    nn::linear(micro ? pl::microbatch(x) : x, W1, b1, Z1);
    nn::relu(Z1, H1);
  }
  void forward2() {
    nn::linear(H1, W2, b2, Z2);
    nn::relu(Z2, H2);
  }
  void forward3(std::int64_t b, bool micro) {
    nn::linear(H2, W3, b3, Z3);
    nn::ConstLabels labels = nn::rows(y, b * kB, kB);
    const float l = nn::softmax_cross_entropy(Z3, micro ? pl::microbatch(labels) : labels, dZ3);
    loss += micro ? pl::row_mean(l, dZ3) : l;
  }
  void backward3() { nn::linear_backward(H2, W3, dZ3, dW3, db3, dH2); }
  void backward2() {
    nn::relu_backward(H2, dH2, dZ2);
    nn::linear_backward(H1, W2, dZ2, dW2, db2, dH1);
  }
  void backward1(std::int64_t b, bool micro) {
    nn::relu_backward(H1, dH1, dZ1);
    nn::ConstMatrix x = nn::rows(X, b * kB, kB);
    nn::linear_backward_weights(micro ? pl::microbatch(x) : x, dZ1, dW1, db1);
  }
  void update1(std::int64_t b) {
    nn::adam(W1, dW1, mW1, vW1, b + 1, kLr);
    nn::adam(b1, db1, mb1, vb1, b + 1, kLr);
  }
  void update2(std::int64_t b) {
    nn::adam(W2, dW2, mW2, vW2, b + 1, kLr);
    nn::adam(b2, db2, mb2, vb2, b + 1, kLr);
  }
  void update3(std::int64_t b) {
    nn::adam(W3, dW3, mW3, vW3, b + 1, kLr);
    nn::adam(b3, db3, mb3, vb3, b + 1, kLr);
  }

  void serial_step(std::int64_t b) {
    forward1(b, false);
    forward2();
    forward3(b, false);
    backward3();
    backward2();
    backward1(b, false);
    update3(b);
    update2(b);
    update1(b);
  }

  pl::Loop loop() {
    pl::Loop l;
    l.layer([this](std::int64_t b) { forward1(b, true); },
            [this](std::int64_t b) { backward1(b, true); }, [this](std::int64_t b) { update1(b); });
    l.layer([this](std::int64_t) { forward2(); }, [this](std::int64_t) { backward2(); },
            [this](std::int64_t b) { update2(b); });
    l.layer([this](std::int64_t b) { forward3(b, true); }, [this](std::int64_t) { backward3(); },
            [this](std::int64_t b) { update3(b); });
    l.examples(Z1, 0).examples(H1, 0).examples(dZ1, 0);
    l.examples(Z2, 1).examples(H2, 1).examples(dZ2, 1).examples(dH1, 1);
    l.examples(Z3, 2).examples(dZ3, 2).examples(dH2, 2);
    l.gradient(dW1, 0).gradient(db1, 0).gradient(dW2, 1).gradient(db2, 1);
    l.gradient(dW3, 2).gradient(db3, 2);
    l.weights(W1, 0).weights(b1, 0).weights(W2, 1).weights(b2, 1).weights(W3, 2).weights(b3, 2);
    for (auto *a : {&mW1, &mb1, &vW1, &vb1})
      l.state(*a, 0);
    for (auto *a : {&mW2, &mb2, &vW2, &vb2})
      l.state(*a, 1);
    for (auto *a : {&mW3, &mb3, &vW3, &vb3})
      l.state(*a, 2);
    l.boundary(0, H1, dH1).boundary(1, H2, dH2);
    l.accumulator(loss);
    return l;
  }
};

// max |a - b| / max(1, max |b|): relative to the array's scale.
double difference(const nn::Tensor &a, const nn::Tensor &b) {
  double worst = 0, scale = 1;
  for (std::int64_t i = 0; i < b.shape()[0]; ++i) {
    for (std::int64_t j = 0; j < b.shape()[1]; ++j) {
      worst = std::max(worst, std::fabs(static_cast<double>(a(i, j)) - b(i, j)));
      scale = std::max(scale, std::fabs(static_cast<double>(b(i, j))));
    }
  }
  return worst / scale;
}

void expect_same(Net &got, Net &want, const std::string &where) {
  const std::vector<std::pair<const char *, std::pair<nn::Tensor *, nn::Tensor *>>> arrays = {
      {"W1", {&got.W1, &want.W1}},    {"b1", {&got.b1, &want.b1}},
      {"W2", {&got.W2, &want.W2}},    {"b2", {&got.b2, &want.b2}},
      {"W3", {&got.W3, &want.W3}},    {"b3", {&got.b3, &want.b3}},
      {"mW1", {&got.mW1, &want.mW1}}, {"vW2", {&got.vW2, &want.vW2}},
      {"dW1", {&got.dW1, &want.dW1}}, {"db3", {&got.db3, &want.db3}},
      {"Z1", {&got.Z1, &want.Z1}},    {"H2", {&got.H2, &want.H2}},
      {"dZ3", {&got.dZ3, &want.dZ3}}, {"dZ1", {&got.dZ1, &want.dZ1}},
      {"dH1", {&got.dH1, &want.dH1}}};
  for (const auto &[name, pair] : arrays) {
    EXPECT_LE(difference(*pair.first, *pair.second), 1e-5)
        << name << " on rank " << session().rank() << " " << where;
  }
  EXPECT_NEAR(got.loss.value(), want.loss.value(), 1e-5 * std::max(1.0, want.loss.value()))
      << "loss on rank " << session().rank() << " " << where;
}

// Trains both nets step by step (one executor run per step, then one run of the rest)
// and compares after every step.
void check_plan(const pl::Plan &plan, const std::string &name) {
  Net serial, parallel;
  pl::Loop loop = parallel.loop();
  for (std::int64_t b = 0; b < kBatches - 1; ++b) {
    serial.serial_step(b);
    pl::run(session(), loop, b, b + 1, plan);
    expect_same(parallel, serial, name + ", after step " + std::to_string(b));
  }
  serial.serial_step(kBatches - 1);
  pl::run(session(), loop, kBatches - 1, kBatches, plan);
  expect_same(parallel, serial, name + ", after the last step");
  // A whole epoch in one run.
  for (std::int64_t b = 0; b < kBatches; ++b)
    serial.serial_step(b);
  pl::run(session(), loop, 0, kBatches, plan);
  expect_same(parallel, serial, name + ", after a second epoch in one run");
}

pl::Plan plan(std::vector<int> stage_begin, std::vector<int> replicas, pl::ScheduleKind kind,
              int microbatches) {
  pl::Plan p;
  p.stage_begin = std::move(stage_begin);
  p.replicas = std::move(replicas);
  p.schedule = kind;
  p.microbatches = microbatches;
  return p;
}

using Kind = pl::ScheduleKind;

TEST(Pipeline, EveryPlanForTheProcessesEqualsTheSerialStepAfterEveryStep) {
  const int n = session().size();
  std::vector<std::pair<std::string, pl::Plan>> plans;
  if (n == 1) {
    plans = {{"one stage, one microbatch", plan({0, 3}, {1}, Kind::flush, 1)},
             {"one stage, 5 microbatches (uneven)", plan({0, 3}, {1}, Kind::flush, 5)}};
  } else if (n == 2) {
    plans = {{"2 stages, flush, 4 microbatches", plan({0, 1, 3}, {1, 1}, Kind::flush, 4)},
             {"2 stages, gpipe, 3 microbatches", plan({0, 2, 3}, {1, 1}, Kind::gpipe, 3)},
             {"data parallel, 2 replicas", plan({0, 3}, {2}, Kind::flush, 2)},
             {"data parallel, 2 replicas, 3 microbatches", plan({0, 3}, {2}, Kind::flush, 3)}};
  } else if (n == 4) {
    plans = {{"3 stages, the last on 2 replicas", plan({0, 1, 2, 3}, {1, 1, 2}, Kind::flush, 4)},
             {"2 stages x 2 replicas, gpipe", plan({0, 1, 3}, {2, 2}, Kind::gpipe, 4)},
             {"data parallel, 4 replicas", plan({0, 3}, {4}, Kind::flush, 4)}};
  }
  for (const auto &[name, p] : plans)
    check_plan(p, name);
}

// A chain of one layer per process whose forward and backward each take the same time:
// the idle fraction each stage measures is the flush schedule's bubble
// (p - 1) / (m + p - 1), within 25% relative.
TEST(Pipeline, MeasuredIdleFractionIsTheFlushBubble) {
  const int p = session().size();
  constexpr int kMicro = 4, kMinibatches = 4;
  // Long enough that a late wake-up (milliseconds on a loaded machine) is small beside it.
  constexpr auto kStep = std::chrono::milliseconds(30);
  std::vector<nn::Tensor> act, grad;
  for (int l = 0; l < p; ++l) {
    act.emplace_back(std::array<std::int64_t, 2>{kMicro, 2});
    grad.emplace_back(std::array<std::int64_t, 2>{kMicro, 2});
  }
  pl::Loop loop;
  const auto wait = [&](std::int64_t) { std::this_thread::sleep_for(kStep); };
  for (int l = 0; l < p; ++l) {
    loop.layer(wait, wait, nullptr);
    loop.examples(act[static_cast<std::size_t>(l)], l)
        .examples(grad[static_cast<std::size_t>(l)], l);
  }
  for (int l = 0; l + 1 < p; ++l)
    loop.boundary(l, act[static_cast<std::size_t>(l)], grad[static_cast<std::size_t>(l + 1)]);
  std::vector<int> begin(static_cast<std::size_t>(p) + 1);
  for (int l = 0; l <= p; ++l)
    begin[static_cast<std::size_t>(l)] = l;
  const pl::RunStats stats =
      pl::run(session(), loop, 0, kMinibatches,
              plan(begin, std::vector<int>(static_cast<std::size_t>(p), 1), Kind::flush, kMicro));
  const double measured = (stats.ops_seconds - stats.busy) / stats.ops_seconds;
  const double expected = pl::bubble_fraction(Kind::flush, p, kMicro);
  EXPECT_NEAR(measured, expected, std::max(0.25 * expected, 0.02))
      << "stage " << stats.stage << ": busy " << stats.busy << " s of " << stats.ops_seconds
      << " s";
}

// The profile times every layer group on copies: the loop's arrays and its accumulator
// are as they were, and the plan chosen from it runs to the serial result.
TEST(Pipeline, ProfilingChangesNothingAndItsPlanEqualsTheSerialStep) {
  Net serial, parallel;
  pl::Loop loop = parallel.loop();
  parallel.Z1.fill(7.0f);
  serial.Z1.fill(7.0f);
  const weft::rt::PipelineProfile profile = pl::profile_loop(session(), loop, 0);
  ASSERT_EQ(profile.layers.size(), 3u); // both cuts are legal: one group per layer
  EXPECT_EQ(profile.layers[0].activation_bytes, static_cast<double>(kB * kH1 * sizeof(float)));
  EXPECT_EQ(profile.layers[1].activation_bytes, static_cast<double>(kB * kH2 * sizeof(float)));
  EXPECT_EQ(profile.layers[2].weight_bytes,
            static_cast<double>((kClasses * kH2 + kClasses) * sizeof(float)));
  for (const auto &layer : profile.layers)
    EXPECT_GT(layer.forward_ms + layer.backward_ms, 0.0);
  expect_same(parallel, serial, "after profiling");
  const pl::Plan p = pl::choose_plan(session(), loop, 0);
  for (std::int64_t b = 0; b < kBatches; ++b)
    serial.serial_step(b);
  pl::run(session(), loop, 0, kBatches, p);
  expect_same(parallel, serial, "after an epoch with the chosen plan");
}

// A layer's update runs once per minibatch on its stage, and the profile counts it into
// the layer's backward time (the cost model's compute per minibatch), on a copy of the
// state: the loop's weights are as they were.
TEST(Pipeline, ProfileCountsALayersUpdateIntoItsBackwardTime) {
  constexpr auto kUpdate = std::chrono::milliseconds(20);
  nn::Tensor act({4, 2}), grad({4, 2}), w({2, 2});
  w.fill(3.0f);
  pl::Loop loop;
  const auto nothing = [](std::int64_t) {};
  loop.layer(nothing, nothing, [&](std::int64_t) {
    std::this_thread::sleep_for(kUpdate);
    w(0, 0) += 1.0f;
  });
  loop.layer(nothing, nothing, nullptr);
  loop.examples(act, 0).examples(grad, 1).state(w, 0);
  loop.boundary(0, act, grad);
  const weft::rt::PipelineProfile profile = pl::profile_loop(session(), loop, 0);
  ASSERT_EQ(profile.layers.size(), 2u);
  EXPECT_GE(profile.layers[0].backward_ms, 20.0);
  EXPECT_LT(profile.layers[1].backward_ms, 20.0);
  EXPECT_EQ(w(0, 0), 3.0f) << "the profile's update ran on the loop's own weights";
}

// An asynchronous schedule with weight stashing on two stages (layers 0, 1 | layer 2):
// each minibatch's gradient is the one computed at the weight versions its forwards saw on
// each stage (the schedule's versions; all microbatches of a minibatch see the same), and
// the updates apply it to the current weights. The reference replays the serial step
// with those versions; on one process (one stage) 1f1b is the serial loop. On more than
// two processes the others run no stage and end with the same arrays.
void check_asynchronous(Kind kind, int microbatches) {
  const int stages = std::min(session().size(), 2);
  // Stage 0 holds layers 0 and 1: the backward of layer 1 reads W2, at its stashed version.
  const std::vector<int> begin = stages == 1 ? std::vector<int>{0, 3} : std::vector<int>{0, 2, 3};
  const pl::Schedule schedule = pl::make_schedule(kind, stages, microbatches, kBatches);
  // version[s][t]: the weight version minibatch t's forwards use on stage s.
  std::vector<std::vector<int>> version(static_cast<std::size_t>(stages),
                                        std::vector<int>(kBatches, -1));
  for (int s = 0; s < stages; ++s)
    for (const pl::Op &op : schedule.ops[static_cast<std::size_t>(s)])
      if (op.kind == pl::OpKind::forward)
        version[static_cast<std::size_t>(s)][static_cast<std::size_t>(op.minibatch)] = op.version;

  Net current;
  std::vector<Net> history{current}; // history[v]: the weights after v updates
  Net last;
  for (std::int64_t t = 0; t < kBatches; ++t) {
    Net mix = current;
    mix.loss.reset(0.0);
    const auto &v0 = history[static_cast<std::size_t>(version[0][static_cast<std::size_t>(t)])];
    const auto &v1 = history[static_cast<std::size_t>(version.back()[static_cast<std::size_t>(t)])];
    mix.W1 = v0.W1;
    mix.b1 = v0.b1;
    mix.W2 = v0.W2; // layer 1 is on stage 0
    mix.b2 = v0.b2;
    mix.W3 = (stages == 1 ? v0 : v1).W3;
    mix.b3 = (stages == 1 ? v0 : v1).b3;
    mix.forward1(t, false);
    mix.forward2();
    mix.forward3(t, false);
    mix.backward3();
    mix.backward2();
    mix.backward1(t, false);
    current.dW1 = mix.dW1, current.db1 = mix.db1, current.dW2 = mix.dW2, current.db2 = mix.db2;
    current.dW3 = mix.dW3, current.db3 = mix.db3;
    current.update3(t);
    current.update2(t);
    current.update1(t);
    current.loss += mix.loss.value();
    history.push_back(current);
    last = mix;
  }
  // The last minibatch's activations are those of its own versions.
  current.Z1 = last.Z1, current.H2 = last.H2, current.dZ3 = last.dZ3, current.dZ1 = last.dZ1;
  current.dH1 = last.dH1;

  Net parallel;
  pl::Loop loop = parallel.loop();
  loop.schedule(kind);
  const pl::RunStats stats = pl::run(
      session(), loop, 0, kBatches,
      plan(begin, std::vector<int>(static_cast<std::size_t>(stages), 1), kind, microbatches));
  expect_same(parallel, current,
              std::string(pl::schedule_kind_name(kind)) + " on " + std::to_string(stages) +
                  " stage(s)");
  // Versions kept besides the current one: 1f1b's stage s of p keeps at most p - 1 - s,
  // 2bw's at most one; a process with no stage none.
  if (stats.stage < 0)
    EXPECT_EQ(stats.versions_kept, 0) << "a process beyond the plan's replicas";
  else
    EXPECT_LE(stats.versions_kept, kind == Kind::two_bw ? 1 : stages - 1 - stats.stage);
  EXPECT_EQ(stats.stage < 0, session().rank() >= stages);
}

TEST(Pipeline, OneFOneBEqualsTheSerialStepReplayedAtEachStagesStashedVersion) {
  check_asynchronous(Kind::one_f_one_b, 1);
}

TEST(Pipeline, TwoBWEqualsTheSerialStepReplayedAtTheVersionBefore) {
  check_asynchronous(Kind::two_bw, 2);
}

TEST(Pipeline, PlansThatDoNotFitAreRefusedWithTheReason) {
  Net net;
  pl::Loop loop = net.loop();
  const int n = session().size();
  const auto refused = [&](const pl::Plan &p, const std::string &part) {
    try {
      pl::run(session(), loop, 0, 1, p);
      ADD_FAILURE() << "accepted a plan that should name: " << part;
    } catch (const pl::PipelineError &e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  refused(plan({0, 3}, {n + 1}, Kind::flush, 1), "replicas in all");
  refused(plan({0, 2}, {n}, Kind::flush, 1), "cover layers 0 to 2");
  refused(plan({0, 3}, {n}, Kind::flush, 25), "25 microbatches of a minibatch of 24 rows");
  refused(plan({0, 3}, {n}, Kind::one_f_one_b, 1),
          "updates with stale weights, which the loop does not allow");
  refused(plan({0, 0, 3}, {1, n - 1}, Kind::flush, 1), "stage 0 holds no layer");
}

// A flush plan on fewer processes than the job: the others run no stage, and every
// process ends with the serial step's arrays.
TEST(Pipeline, ProcessesBeyondThePlanRunNoStageAndEndWithTheSerialResult) {
  const int n = session().size();
  if (n < 2)
    GTEST_SKIP() << "needs 2 processes or more";
  check_plan(plan({0, 3}, {1}, Kind::flush, 2), "one stage on one of " + std::to_string(n));
  if (n >= 3)
    check_plan(plan({0, 2, 3}, {1, 1}, Kind::gpipe, 3), "2 stages on 2 of " + std::to_string(n));
}

} // namespace
