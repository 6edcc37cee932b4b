// Matrix factorization by stochastic gradient descent: the serial program that weftc
// parallelizes. Ratings r(u, i) are approximated by dot(W_u, H_i) with rank-K factors.
//
//   mf --train PATH --test PATH [--rank 16] [--epochs 20] [--lr 0.03] [--reg 0.01]
//      [--seed 1] [--init-scale 0.1]
//
// Prints CSV on stdout: epoch,seconds,train_rmse,test_rmse (seconds: cumulative wall
// time of the training loops; train_rmse: over the epoch's SGD updates).
// Exit status: 0, 1 on a data error, 2 on bad arguments.
#include <weft/weft.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "../common/factors.h"
#include "../common/sample_main.h"

namespace {

using weft_samples::seconds_since;

struct Options {
  std::string train_path;
  std::string test_path;
  int rank = 16;
  int epochs = 20;
  // Defaults tuned on `weft-datagen mf --users 10000 --items 2000 --ratings 1000000
  // --rank 16 --noise 0.3 --seed 1`: test RMSE 0.345 after 20 epochs (noise floor 0.3).
  float lr = 0.03f;  // SGD step size
  float reg = 0.01f; // L2 regularization of the factors
  std::uint64_t seed = 1;
  float init_scale = 0.1f; // initial factors are uniform in [-init_scale, init_scale)
};

constexpr const char *kUsage =
    "usage: mf --train PATH --test PATH [--rank 16] [--epochs 20] [--lr 0.03] [--reg 0.01]\n"
    "          [--seed 1] [--init-scale 0.1]\n";

constexpr weft_samples::CommandLine kCommandLine("mf", kUsage);

Options parse_options(int argc, char **argv) {
  Options o;
  kCommandLine.for_each_flag(argc, argv, [&](const std::string &flag, const std::string &value) {
    if (flag == "--train")
      o.train_path = value;
    else if (flag == "--test")
      o.test_path = value;
    else if (flag == "--rank")
      o.rank = kCommandLine.number<int>(flag, value, 1, 4096);
    else if (flag == "--epochs")
      o.epochs = kCommandLine.number<int>(flag, value, 0, 1000000);
    else if (flag == "--lr")
      o.lr = kCommandLine.number<float>(flag, value, 0.0f, 10.0f);
    else if (flag == "--reg")
      o.reg = kCommandLine.number<float>(flag, value, 0.0f, 10.0f);
    else if (flag == "--seed")
      o.seed = kCommandLine.number<std::uint64_t>(flag, value, 0, UINT64_MAX);
    else if (flag == "--init-scale")
      o.init_scale = kCommandLine.number<float>(flag, value, 1e-6f, 10.0f);
    else
      return false;
    return true;
  });
  if (o.train_path.empty())
    kCommandLine.usage_error("missing --train");
  if (o.test_path.empty())
    kCommandLine.usage_error("missing --test");
  return o;
}

int run(const Options &opts) {
  const weft::SparseArray<float, 2> R = weft::load_triples<float, 2>(opts.train_path);
  const weft::SparseArray<float, 2> R_test = weft::load_triples<float, 2>(opts.test_path);
  if (R.size() == 0)
    throw weft::Error(opts.train_path + ": no ratings");
  const int64_t num_users = std::max(R.shape()[0], R_test.shape()[0]);
  const int64_t num_items = std::max(R.shape()[1], R_test.shape()[1]);
  const int K = opts.rank;
  const int K8 = K / 8 * 8; // the columns the dot product sums in whole groups of 8 lanes
  const float lr = opts.lr;
  const float reg = opts.reg;
  const int epochs = opts.epochs;

  weft::DistArray<float, 2> W({num_users, K}), H({num_items, K});
  W.randomize(opts.seed, -opts.init_scale, opts.init_scale);
  H.randomize(opts.seed + 1, -opts.init_scale, opts.init_scale);

  std::printf("epoch,seconds,train_rmse,test_rmse\n");
  double train_seconds = 0.0;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    weft::Accumulator<double> sq_err(0.0);
    const auto start = std::chrono::steady_clock::now();
#pragma weft parallel_for
    for (const auto &e : R) {
      const int64_t u = e.key[0], i = e.key[1];
      // The dot product W(u, :) . H(i, :) in 8 lanes, as LIBMF's AVX code sums it: the
      // compiler keeps the lanes in one vector register, where a single running sum would
      // be a chain of dependent additions it may not reorder.
      float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (int k = 0; k < K8; k += 8) {
        for (int j = 0; j < 8; ++j)
          lane[j] += W(u, k + j) * H(i, k + j);
      }
      for (int k = K8; k < K; ++k)
        lane[k - K8] += W(u, k) * H(i, k);
      const float err = e.value - (((lane[0] + lane[1]) + (lane[2] + lane[3])) +
                                   ((lane[4] + lane[5]) + (lane[6] + lane[7])));
      for (int k = 0; k < K; ++k) {
        const float w = W(u, k);
        W(u, k) += lr * (err * H(i, k) - reg * w);
        H(i, k) += lr * (err * w - reg * H(i, k));
      }
      sq_err += err * err;
    }
    train_seconds += seconds_since(start);

    // Test RMSE of the current factors: an ordinary serial loop (factors.h).
    const double test_rmse = weft_samples::factor_rmse(R_test, W, H);
    const double train_rmse = std::sqrt(sq_err.value() / static_cast<double>(R.size()));
    std::printf("%d,%.3f,%.6f,%.6f\n", epoch + 1, train_seconds, train_rmse, test_rmse);
    std::fflush(stdout);
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const Options opts = parse_options(argc, argv);
  return weft_samples::run_reporting_errors("mf", [&] { return run(opts); });
}
