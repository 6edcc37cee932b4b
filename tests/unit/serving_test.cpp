// weft/serving.h: short serving runs (milliseconds of service, a few hundred queries)
// with a linear model, whose addition parity model is the model itself.
#include <weft/serving.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace {

namespace nn = weft::nn;
namespace serve = weft::serve;
using nn::Tensor;

struct LinearModel {
  LinearModel() : W({10, 784}), b({1, 10}) { W.randomize(7, -1.0f, 1.0f); }
  serve::Model model() const {
    return [this](nn::ConstMatrix in, nn::Matrix out) { nn::linear(in, W, b, out); };
  }
  Tensor W, b;
};

Tensor inputs(std::int64_t n) {
  Tensor X({n, 784});
  X.randomize(3, 0.0f, 1.0f);
  return X;
}

// The answers of the model itself, per input row.
std::vector<std::int32_t> model_answers(const LinearModel &m, const Tensor &X) {
  Tensor Y({X.shape()[0], 10});
  nn::linear(X, m.W, m.b, Y);
  std::vector<std::int32_t> answers;
  for (std::int64_t r = 0; r < Y.shape()[0]; ++r) {
    const float *y = Y.data() + r * 10;
    answers.push_back(static_cast<std::int32_t>(std::max_element(y, y + 10) - y));
  }
  return answers;
}

double largest_latency(const serve::ServingReport &report) {
  return *std::max_element(report.latency.begin(), report.latency.end());
}

TEST(Serving, FinishTimeSkipsThePauses) {
  serve::ServingOptions o;
  o.pause_every = 1.0;
  o.pause_offset = 0.5;
  o.pause_seconds = 0.25;
  EXPECT_DOUBLE_EQ(serve::finish_time(o, 0.0, 0.25), 0.25);  // before the first pause
  EXPECT_DOUBLE_EQ(serve::finish_time(o, 0.4, 0.25), 0.9);   // 0.1 before, 0.15 after it
  EXPECT_DOUBLE_EQ(serve::finish_time(o, 0.6, 0.1), 0.85);   // starts inside it
  EXPECT_DOUBLE_EQ(serve::finish_time(o, 0.0, 1.5), 2.0);    // through two pauses
}

TEST(Serving, SlowTasksAreDrawnFromTheSeedAtTheirFraction) {
  std::int64_t slow = 0;
  for (std::uint64_t t = 0; t < 20000; ++t) {
    slow += serve::is_slow_task(5, t, 0.05) ? 1 : 0;
    EXPECT_EQ(serve::is_slow_task(5, t, 0.05), serve::is_slow_task(5, t, 0.05));
  }
  EXPECT_NEAR(static_cast<double>(slow) / 20000.0, 0.05, 0.01);
}

TEST(Serving, StragglersAreDecodedAndCancelledLeavingNoWorkQueued) {
  const LinearModel m;
  const Tensor X = inputs(64);
  serve::ServingOptions o;
  o.code = serve::make_code("addition", 2);
  o.queries = 400;
  o.rate = 1500.0;
  o.service_seconds = 0.0005;
  o.slow_fraction = 0.1;
  o.slowdown = 40.0;
  const serve::ServingReport report = serve::run_serving(o, X, 10, m.model(), m.model());
  EXPECT_EQ(report.unanswered, 0);
  EXPECT_EQ(report.queued_at_end, 0);
  EXPECT_EQ(report.tasks, 400 + 200);
  EXPECT_GT(report.cancelled_queued + report.cancelled_running, 0);
  const std::vector<std::int32_t> expected = model_answers(m, X);
  std::int64_t decoded = 0;
  for (std::int64_t q = 0; q < o.queries; ++q) {
    // Exact decoding: every answer, decoded or not, is the model's own.
    EXPECT_EQ(report.answer[static_cast<std::size_t>(q)], expected[static_cast<std::size_t>(q % 64)])
        << "query " << q;
    decoded += report.decoded[static_cast<std::size_t>(q)] ? 1 : 0;
  }
  EXPECT_GT(decoded, 0);
}

TEST(Serving, APausedWorkerDelaysReplicasButNotParityGroups) {
  const LinearModel m;
  const Tensor X = inputs(32);
  serve::ServingOptions o;
  o.code = serve::make_code("addition", 2);
  o.queries = 300;
  o.rate = 1000.0;
  o.service_seconds = 0.0005;
  o.paused_worker = 0;
  o.pause_every = 1.0;
  o.pause_offset = 0.05;
  o.pause_seconds = 0.2;
  const serve::ServingReport parity = serve::run_serving(o, X, 10, m.model(), m.model());
  o.mode = serve::Mode::replicas;
  const serve::ServingReport replicas = serve::run_serving(o, X, 10, m.model(), m.model());
  EXPECT_EQ(parity.unanswered, 0);
  EXPECT_EQ(replicas.unanswered, 0);
  // The queries queued behind the pause were decoded and taken off the queue.
  EXPECT_GT(parity.cancelled_queued, 10);
  EXPECT_EQ(parity.queued_at_end, 0);
  // A query queued behind the pause waits for most of it as a replica's; in a group it is
  // decoded as soon as its partner's output and the parity are in.
  EXPECT_GT(largest_latency(replicas), 0.1);
  EXPECT_LT(largest_latency(parity), 0.1);
}

TEST(Serving, BadOptionsAreErrors) {
  const LinearModel m;
  const Tensor X = inputs(4);
  serve::ServingOptions o;
  o.rate = 0.0;
  EXPECT_THROW(serve::run_serving(o, X, 10, m.model(), m.model()), weft::Error);
  o.rate = 100.0;
  o.slow_fraction = 1.5;
  EXPECT_THROW(serve::run_serving(o, X, 10, m.model(), m.model()), weft::Error);
  o.slow_fraction = 0.0;
  o.paused_worker = 3; // k = 2: workers 0..2
  EXPECT_THROW(serve::run_serving(o, X, 10, m.model(), m.model()), weft::Error);
  o.paused_worker = 0;
  o.pause_seconds = 2.0;
  o.pause_every = 1.0;
  EXPECT_THROW(serve::run_serving(o, X, 10, m.model(), m.model()), weft::Error);
}

} // namespace
