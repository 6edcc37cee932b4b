// Matrix factorization by stochastic gradient descent with one adaptive step size per
// row (the update rule of LIBMF: Chin, Zhuang, Juan and Lin, "A Learning-Rate Schedule
// for Stochastic Gradient Methods to Matrix Factorization", PAKDD 2015): the serial
// program that weftc parallelizes. Ratings r(u, i) are approximated by dot(W_u, H_i)
// with rank-K factors. Each row of W and of H keeps one value G, 1 plus the mean squared
// gradient of its elements summed over its updates so far, and a rating moves a row by
// lr / sqrt(G) times its gradient: a whole row shares one step size, so the adaptive
// rate costs one square root per row and rating instead of one per element.
//
// The sums over a row (the prediction, the squared gradients) are taken as LIBMF's
// vector code takes them: in 8 lanes, lane j summing the elements j, j + 8, ..., then
// the lanes pairwise. The factors have K rounded up to a multiple of 8 columns, the
// extra ones 0 (their gradient is 0, so they stay 0). Written so in plain C++, the sums
// are independent chains that a compiler vectorizes, and the serial and the parallel
// program compute them alike.
//
//   mf-rowadagrad --train PATH --test PATH [--rank 16] [--epochs 20] [--lr 0.3]
//                 [--reg 0.01] [--seed 1]
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
  float lr = 0.3f;   // base step size, divided per row by sqrt(G)
  float reg = 0.01f; // L2 regularization of the factors, applied at every update
  std::uint64_t seed = 1;
};

constexpr const char *kUsage =
    "usage: mf-rowadagrad --train PATH --test PATH [--rank 16] [--epochs 20] [--lr 0.3]\n"
    "                     [--reg 0.01] [--seed 1]\n";

constexpr weft_samples::CommandLine kCommandLine("mf-rowadagrad", kUsage);

Options parse_options(int argc, char **argv) {
  Options o;
  kCommandLine.for_each_flag(argc, argv, [&](const std::string &flag, const std::string &value) {
    if (flag == "--train")
      o.train_path = value;
    else if (flag == "--test")
      o.test_path = value;
    else if (flag == "--rank")
      o.rank = kCommandLine.integer<int>(flag, value, 1, 4096);
    else if (flag == "--epochs")
      o.epochs = kCommandLine.integer<int>(flag, value, 0, 1000000);
    else if (flag == "--lr")
      o.lr = kCommandLine.number<float>(flag, value, 0.0f, 10.0f);
    else if (flag == "--reg")
      o.reg = kCommandLine.number<float>(flag, value, 0.0f, 10.0f);
    else if (flag == "--seed")
      o.seed = kCommandLine.integer<std::uint64_t>(flag, value, 0, UINT64_MAX);
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
  const int64_t num_users = std::max(R.shape()[0], R_test.shape()[0]);
  const int64_t num_items = std::max(R.shape()[1], R_test.shape()[1]);
  const int K = (opts.rank + 7) / 8 * 8; // columns: the rank rounded up to 8 lanes
  const float lr = opts.lr;
  const float reg = opts.reg;
  const float inv_rank = 1.0f / static_cast<float>(opts.rank);
  const int epochs = opts.epochs;

  // Initial factors uniform in [0, 1/sqrt(rank)), as LIBMF starts them: every initial
  // prediction is near rank / (4 rank) = 0.25 whatever the rank.
  weft::DistArray<float, 2> W({num_users, K}), H({num_items, K});
  const float init_scale = 1.0f / std::sqrt(static_cast<float>(opts.rank));
  W.randomize(opts.seed, 0.0f, init_scale);
  H.randomize(opts.seed + 1, 0.0f, init_scale);
  for (int64_t u = 0; u < num_users; ++u) {
    for (int k = opts.rank; k < K; ++k)
      W(u, k) = 0.0f;
  }
  for (int64_t i = 0; i < num_items; ++i) {
    for (int k = opts.rank; k < K; ++k)
      H(i, k) = 0.0f;
  }
  // Per row: 1 + the sum over its updates of the mean squared gradient of its elements.
  weft::DistArray<float, 1> GW({num_users}), GH({num_items});
  GW.fill(1.0f);
  GH.fill(1.0f);

  std::printf("epoch,seconds,train_rmse,test_rmse\n");
  double train_seconds = 0.0;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    weft::Accumulator<double> sq_err(0.0);
    const auto start = std::chrono::steady_clock::now();
// With err = r - dot(W_u, H_i), the loss (err^2 + reg (|W_u|^2 + |H_i|^2)) / 2 has
// negative gradients gw = err H_i - reg W_u and gh = err W_u - reg H_i (both from the
// factors before the update). Row u moves by lr / sqrt(GW(u)) gw, then GW(u) grows by
// the mean of gw^2 over the row; likewise row i of H.
#pragma weft parallel_for
    for (const auto &e : R) {
      const int64_t u = e.key[0], i = e.key[1];
      float dot[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (int k = 0; k < K; k += 8) {
        for (int j = 0; j < 8; ++j)
          dot[j] += W(u, k + j) * H(i, k + j);
      }
      const float err = e.value - (((dot[0] + dot[1]) + (dot[2] + dot[3])) +
                                   ((dot[4] + dot[5]) + (dot[6] + dot[7])));
      const float step_w = lr / std::sqrt(GW(u));
      const float step_h = lr / std::sqrt(GH(i));
      float gw2[8] = {0, 0, 0, 0, 0, 0, 0, 0}, gh2[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (int k = 0; k < K; k += 8) {
        for (int j = 0; j < 8; ++j) {
          const float w = W(u, k + j);
          const float h = H(i, k + j);
          const float gw = err * h - reg * w;
          const float gh = err * w - reg * h;
          gw2[j] += gw * gw;
          gh2[j] += gh * gh;
          W(u, k + j) = w + step_w * gw;
          H(i, k + j) = h + step_h * gh;
        }
      }
      GW(u) += (((gw2[0] + gw2[1]) + (gw2[2] + gw2[3])) + ((gw2[4] + gw2[5]) + (gw2[6] + gw2[7]))) *
               inv_rank;
      GH(i) += (((gh2[0] + gh2[1]) + (gh2[2] + gh2[3])) + ((gh2[4] + gh2[5]) + (gh2[6] + gh2[7]))) *
               inv_rank;
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
  return weft_samples::run_reporting_errors("mf-rowadagrad", [&] { return run(opts); });
}
