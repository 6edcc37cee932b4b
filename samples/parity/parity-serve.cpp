// Serves Fashion-MNIST test images with a base model and its parity model (files of
// mlp --save and parity --save) under injected stragglers, and compares the tail latency
// with the baseline that gives the same k + 1 workers base-model replicas (the same
// arrivals, the same slow queries). See weft/serving.h for the run.
//
//   parity-serve --base MODEL --parity MODEL [--encoder addition|concatenation] [--k 2]
//       [--data-dir /usr/share/datasets/fashion-mnist] [--queries 10000] [--rate 400]
//       [--service-ms 2] [--slow-fraction 0.05] [--slowdown 10] [--paused-worker 0]
//       [--pause-every 10] [--pause 1] [--pause-offset 1] [--seed 1]
//       [--modes parity,replicas] [--latencies FILE]
//
// Prints two CSV tables on stdout, separated by an empty line:
//   1. accuracy over the 10000 test images (no serving): available_accuracy (A_a, the base
//      model's), degraded_accuracy (A_d: each query of each consecutive group of k decoded
//      from the others and Fp), decoded_equals_base, overall_at_{0.1,1,5}pct
//      ((1 - f) A_a + f A_d for an unavailability fraction f), encode_decode_us (one
//      group's encoding and one decoding, the mean over the test groups);
//   2. one row per serving mode: mode,queries,rate,p50_ms,p99_ms,p999_ms,tail_gap_ms
//      (p99.9 - p50),decoded,decoded_equals_base,served_accuracy,cancelled_queued,
//      cancelled_running,queued_at_end,unanswered,seconds.
// --latencies FILE writes every query's latency (mode,latency_ms,decoded), whole or not
// at all. Exit status: 0, 1 on a data or model file error, 2 on bad arguments.
#include <weft/nn.h>
#include <weft/serve.h>
#include <weft/serving.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../common/fashion_mnist.h"
#include "../common/mlp_model.h"
#include "../common/sample_main.h"

namespace {

namespace nn = weft::nn;
namespace serve = weft::serve;
using nn::Tensor;

struct Options {
  std::string data_dir = weft_samples::kFashionMnistDir;
  std::string base, parity, latencies;
  std::string encoder = "addition";
  std::int64_t k = 2;
  std::int64_t queries = 10000;
  double rate = 400.0;
  double service_ms = 2.0;
  double slow_fraction = 0.05;
  double slowdown = 10.0;
  int paused_worker = 0;
  double pause_every = 10.0, pause = 1.0, pause_offset = 1.0;
  std::uint64_t seed = 1;
  std::vector<serve::Mode> modes = {serve::Mode::parity, serve::Mode::replicas};
};

constexpr const char *kUsage =
    "usage: parity-serve --base MODEL --parity MODEL [--encoder addition|concatenation]\n"
    "           [--k 2] [--data-dir /usr/share/datasets/fashion-mnist] [--queries 10000]\n"
    "           [--rate 400] [--service-ms 2] [--slow-fraction 0.05] [--slowdown 10]\n"
    "           [--paused-worker 0] [--pause-every 10] [--pause 1] [--pause-offset 1]\n"
    "           [--seed 1] [--modes parity,replicas] [--latencies FILE]\n"
    "  --rate: query arrivals per second (Poisson); --service-ms: a task's service time\n"
    "  --paused-worker: the worker paused for --pause s every --pause-every s (-1: none)\n"
    "  --modes: parity, replicas (k + 1 base-model replicas) or both, comma-separated\n";

constexpr weft_samples::CommandLine kCommandLine("parity-serve", kUsage);

Options parse_options(int argc, char **argv) {
  Options o;
  kCommandLine.for_each_flag(argc, argv, [&](const std::string &flag, const std::string &value) {
    if (flag == "--data-dir") {
      o.data_dir = value;
    } else if (flag == "--base" || flag == "--parity" || flag == "--latencies") {
      if (value.empty())
        kCommandLine.usage_error(flag + " needs a file name");
      (flag == "--base" ? o.base : flag == "--parity" ? o.parity : o.latencies) = value;
    } else if (flag == "--encoder") {
      if (value != "addition" && value != "concatenation") {
        kCommandLine.usage_error("--encoder needs 'addition' or 'concatenation', got '" + value +
                                 "'");
      }
      o.encoder = value;
    } else if (flag == "--k") {
      o.k = kCommandLine.integer<std::int64_t>(flag, value, 2, 64);
    } else if (flag == "--queries") {
      o.queries = kCommandLine.integer<std::int64_t>(flag, value, 1, 100000000);
    } else if (flag == "--rate") {
      o.rate = kCommandLine.number<double>(flag, value, 1e-3, 1e6);
    } else if (flag == "--service-ms") {
      o.service_ms = kCommandLine.number<double>(flag, value, 1e-3, 1e5);
    } else if (flag == "--slow-fraction") {
      o.slow_fraction = kCommandLine.number<double>(flag, value, 0.0, 1.0);
    } else if (flag == "--slowdown") {
      o.slowdown = kCommandLine.number<double>(flag, value, 1.0, 1e4);
    } else if (flag == "--paused-worker") {
      o.paused_worker = kCommandLine.integer<int>(flag, value, -1, 64);
    } else if (flag == "--pause-every") {
      o.pause_every = kCommandLine.number<double>(flag, value, 1e-3, 1e6);
    } else if (flag == "--pause") {
      o.pause = kCommandLine.number<double>(flag, value, 1e-3, 1e6);
    } else if (flag == "--pause-offset") {
      o.pause_offset = kCommandLine.number<double>(flag, value, 0.0, 1e6);
    } else if (flag == "--seed") {
      o.seed = kCommandLine.integer<std::uint64_t>(flag, value, 0, UINT64_MAX);
    } else if (flag == "--modes") {
      o.modes.clear();
      std::string field;
      for (std::size_t i = 0; i <= value.size(); ++i) {
        if (i < value.size() && value[i] != ',') {
          field += value[i];
          continue;
        }
        if (field == "parity")
          o.modes.push_back(serve::Mode::parity);
        else if (field == "replicas")
          o.modes.push_back(serve::Mode::replicas);
        else
          kCommandLine.usage_error("--modes takes parity and replicas, got '" + field + "'");
        field.clear();
      }
    } else {
      return false;
    }
    return true;
  });
  if (o.base.empty() || o.parity.empty())
    kCommandLine.usage_error("--base MODEL and --parity MODEL are required");
  if (o.encoder == "concatenation" && o.k != 2 && o.k != 4) {
    kCommandLine.usage_error("--encoder concatenation takes --k 2 or 4, got " +
                             std::to_string(o.k));
  }
  if (o.paused_worker > o.k) {
    kCommandLine.usage_error("--paused-worker needs -1 or a worker 0.." + std::to_string(o.k) +
                             ", got " + std::to_string(o.paused_worker));
  }
  if (o.paused_worker >= 0 && !(o.pause < o.pause_every))
    kCommandLine.usage_error("--pause must be shorter than --pause-every");
  return o;
}

// A 4-width MLP read from a model file.
class Mlp {
public:
  explicit Mlp(const weft_samples::MlpModel &file)
      : W1({file.widths[1], file.widths[0]}), b1({1, file.widths[1]}),
        W2({file.widths[2], file.widths[1]}), b2({1, file.widths[2]}),
        W3({file.widths[3], file.widths[2]}), b3({1, file.widths[3]}), widths_(file.widths) {
    Tensor *parameters[6] = {&W1, &b1, &W2, &b2, &W3, &b3};
    for (std::size_t i = 0; i < 6; ++i)
      weft_samples::copy_parameter(file, i, *parameters[i]);
  }

  const std::array<std::int64_t, 4> &widths() const { return widths_; }

  // Logits of every row of X (n x inputs) into Y (n x classes); safe to call from several
  // threads at once (the activations are the caller's thread's own).
  void forward(nn::ConstMatrix X, nn::Matrix Y) const {
    thread_local std::vector<float> h1, h2;
    const std::int64_t n = X.rows();
    h1.resize(static_cast<std::size_t>(n * widths_[1]));
    h2.resize(static_cast<std::size_t>(n * widths_[2]));
    const nn::Matrix H1(h1.data(), n, widths_[1]), H2(h2.data(), n, widths_[2]);
    nn::linear(X, W1, b1, H1);
    nn::relu(H1, H1);
    nn::linear(H1, W2, b2, H2);
    nn::relu(H2, H2);
    nn::linear(H2, W3, b3, Y);
  }

  serve::Model model() const {
    return [this](nn::ConstMatrix in, nn::Matrix out) { forward(in, out); };
  }

private:
  Tensor W1, b1, W2, b2, W3, b3;
  std::array<std::int64_t, 4> widths_;
};

std::int32_t largest(const float *values, std::int64_t count) {
  return static_cast<std::int32_t>(std::max_element(values, values + count) - values);
}

// The q-quantile of `values` (nearest rank), in milliseconds.
double percentile_ms(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return 1e3 * values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

struct Accuracy {
  double available = 0.0, degraded = 0.0, equals_base = 0.0, encode_decode_us = 0.0;
};

// A_a and A_d over the consecutive groups of the test images (Y: the base model's
// outputs), and the time of one group's
// encoding plus one decoding.
Accuracy measure_accuracy(const serve::Code &code, const Mlp &parity, const Tensor &X,
                          const nn::Labels &labels, const Tensor &Y) {
  const std::int64_t k = code.k, classes = Y.shape()[1], d = X.shape()[1];
  const std::int64_t groups = X.shape()[0] / k;
  Tensor P({groups, d}), Fp({groups, classes}), decoded({1, classes});
  Accuracy a;
  a.available =
      static_cast<double>(nn::count_correct(Y, labels)) / static_cast<double>(X.shape()[0]);
  const auto start = std::chrono::steady_clock::now();
  for (std::int64_t g = 0; g < groups; ++g) {
    serve::encode(code, nn::rows(X, g * k, k), nn::rows(P, g, 1));
    serve::decode(nn::rows(Y, g * k, k), g % k, nn::rows(Fp, g, 1), decoded);
  }
  a.encode_decode_us = 1e6 * weft_samples::seconds_since(start) / static_cast<double>(groups);
  parity.forward(P, Fp);
  std::int64_t correct = 0, same = 0;
  for (std::int64_t g = 0; g < groups; ++g) {
    for (std::int64_t m = 0; m < k; ++m) {
      serve::decode(nn::rows(Y, g * k, k), m, nn::rows(Fp, g, 1), decoded);
      const std::int32_t answer = largest(decoded.data(), classes);
      correct += answer == labels(g * k + m) ? 1 : 0;
      same += answer == largest(Y.data() + (g * k + m) * classes, classes) ? 1 : 0;
    }
  }
  a.degraded = static_cast<double>(correct) / static_cast<double>(groups * k);
  a.equals_base = static_cast<double>(same) / static_cast<double>(groups * k);
  return a;
}

// Writes `text` to path through "<path>.tmp.<pid>" and a rename.
void write_whole(const std::string &path, const std::string &text) {
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  std::FILE *file = std::fopen(temp.c_str(), "w");
  if (!file)
    throw weft::Error(path + ": cannot write: " + temp + ": " + std::strerror(errno));
  bool ok = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  ok = std::fclose(file) == 0 && ok;
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temp.c_str());
    throw weft::Error(path + ": cannot write: " + reason);
  }
}

int run(const Options &opts) {
  const weft_samples::MlpModel base_file = weft_samples::read_mlp_model(opts.base);
  const weft_samples::MlpModel parity_file = weft_samples::read_mlp_model(opts.parity);
  if (parity_file.widths[0] != base_file.widths[0] ||
      parity_file.widths[3] != base_file.widths[3]) {
    throw weft::Error(opts.parity + ": the parity model's inputs and outputs (" +
                      std::to_string(parity_file.widths[0]) + ", " +
                      std::to_string(parity_file.widths[3]) + ") are not the base model's (" +
                      std::to_string(base_file.widths[0]) + ", " +
                      std::to_string(base_file.widths[3]) + ")");
  }
  const serve::Code code = serve::make_code(opts.encoder, opts.k);
  const Tensor X = weft_samples::fashion_mnist_images(opts.data_dir, "t10k");
  const nn::Labels labels = weft_samples::fashion_mnist_labels(opts.data_dir, "t10k", X);
  if (X.shape()[1] != base_file.widths[0]) {
    throw weft::Error(opts.data_dir + ": the test images do not fit the model (" +
                      std::to_string(X.shape()[1]) + " pixels, the model takes " +
                      std::to_string(base_file.widths[0]) + ")");
  }
  const Mlp base(base_file), parity(parity_file);
  const std::int64_t classes = base.widths()[3], n = X.shape()[0];
  Tensor Y({n, classes});
  base.forward(X, Y);
  for (std::int64_t i = 0; i < n; ++i) {
    if (labels(i) < 0 || labels(i) >= classes)
      throw weft::Error(opts.base + ": the model has " + std::to_string(classes) +
                        " classes but a test label is " + std::to_string(labels(i)));
  }

  const Accuracy a = measure_accuracy(code, parity, X, labels, Y);
  std::printf("available_accuracy,degraded_accuracy,decoded_equals_base,overall_at_0.1pct,"
              "overall_at_1pct,overall_at_5pct,encode_decode_us\n");
  const auto overall = [&](double f) { return (1.0 - f) * a.available + f * a.degraded; };
  std::printf("%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.2f\n\n", a.available, a.degraded, a.equals_base,
              overall(0.001), overall(0.01), overall(0.05), a.encode_decode_us);
  std::printf("mode,queries,rate,p50_ms,p99_ms,p999_ms,tail_gap_ms,decoded,decoded_equals_base,"
              "served_accuracy,cancelled_queued,cancelled_running,queued_at_end,unanswered,"
              "seconds\n");
  std::fflush(stdout);

  std::string latencies = "mode,latency_ms,decoded\n";
  for (const serve::Mode mode : opts.modes) {
    serve::ServingOptions s;
    s.mode = mode;
    s.code = code;
    s.queries = opts.queries;
    s.rate = opts.rate;
    s.service_seconds = opts.service_ms * 1e-3;
    s.slow_fraction = opts.slow_fraction;
    s.slowdown = opts.slowdown;
    s.paused_worker = opts.paused_worker;
    s.pause_every = opts.pause_every;
    s.pause_seconds = opts.pause;
    s.pause_offset = opts.pause_offset;
    s.seed = opts.seed;
    const serve::ServingReport r = serve::run_serving(s, X, classes, base.model(), parity.model());
    const char *name = mode == serve::Mode::parity ? "parity" : "replicas";
    std::vector<double> answered;
    std::int64_t decoded = 0, decoded_same = 0, correct = 0;
    for (std::int64_t q = 0; q < opts.queries; ++q) {
      const auto i = static_cast<std::size_t>(q);
      if (r.latency[i] < 0.0)
        continue;
      answered.push_back(r.latency[i]);
      const std::int64_t row = q % n;
      correct += r.answer[i] == labels(row) ? 1 : 0;
      if (r.decoded[i]) {
        ++decoded;
        decoded_same += r.answer[i] == largest(Y.data() + row * classes, classes) ? 1 : 0;
      }
      char line[96];
      std::snprintf(line, sizeof line, "%s,%.4f,%d\n", name, 1e3 * r.latency[i],
                    r.decoded[i] ? 1 : 0);
      latencies += line;
    }
    if (answered.empty())
      throw weft::Error(std::string(name) + ": no query was answered before the timeout");
    const double p50 = percentile_ms(answered, 0.5), p99 = percentile_ms(answered, 0.99),
                 p999 = percentile_ms(answered, 0.999);
    std::printf(
        "%s,%lld,%.1f,%.3f,%.3f,%.3f,%.3f,%lld,%.4f,%.4f,%lld,%lld,%lld,%lld,%.2f\n", name,
        static_cast<long long>(opts.queries), opts.rate, p50, p99, p999, p999 - p50,
        static_cast<long long>(decoded),
        decoded == 0 ? 1.0 : static_cast<double>(decoded_same) / static_cast<double>(decoded),
        static_cast<double>(correct) / static_cast<double>(answered.size()),
        static_cast<long long>(r.cancelled_queued), static_cast<long long>(r.cancelled_running),
        static_cast<long long>(r.queued_at_end), static_cast<long long>(r.unanswered), r.seconds);
    std::fflush(stdout);
  }
  if (!opts.latencies.empty())
    write_whole(opts.latencies, latencies);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const Options opts = parse_options(argc, argv);
  return weft_samples::run_reporting_errors("parity-serve", [&] { return run(opts); });
}
