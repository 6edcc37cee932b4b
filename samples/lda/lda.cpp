// Latent Dirichlet allocation by collapsed Gibbs sampling: the serial program that weftc
// parallelizes. Each token i of document d has a topic z_i in [0, K); one sweep visits
// every token, takes it out of the counts and draws its topic again from
//
//   p(z_i = k | z_-i, w) ~ (n_dk + alpha) (n_wk + beta) / (n_k + V beta)
//
// where n_dk counts the tokens of document d with topic k, n_wk the tokens of word w
// with topic k and n_k all tokens with topic k (every count without token i).
//
//   lda --corpus PATH [--topics 20] [--alpha 0.1] [--beta 0.01] [--epochs 50]
//       [--seed 1] [--max-delay 10000]
//
// The corpus is a file of lines "doc word position 1" (weft-datagen lda writes one):
// the token at `position` of document `doc` is word `word`.
//
// Prints CSV on stdout: epoch,seconds,log_likelihood,perplexity
//   seconds          cumulative wall time of the sweeps
//   log_likelihood   log p(w, z) / N after the sweep: the joint probability of the words
//                    and the current topics, with theta and phi integrated out, per token
//   perplexity       exp(-(1/N) sum_i log p(w_i | z_-i, w_-i)) over the sweep: each
//                    token's predictive probability given all other tokens, taken just
//                    before its topic is drawn
// The output is a function of the arguments alone (the random numbers of a token are a
// hash of seed, epoch, document and position).
// Exit status: 0, 1 on a data error, 2 on bad arguments.
#include <weft/weft.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "../common/sample_main.h"

namespace {

using weft_samples::seconds_since;

// Topics a sweep can weigh: the cumulative weights of a token live on the stack.
constexpr int kMaxTopics = 1024;

struct Options {
  std::string corpus_path;
  int topics = 20;
  int epochs = 50;
  double alpha = 0.1; // Dirichlet prior of the document-topic proportions
  double beta = 0.01; // Dirichlet prior of the topic-word distributions
  std::uint64_t seed = 1;
  // How many updates of the topic totals a parallel worker may hold back (the Buffer's
  // max_delay); the serial program applies every update at once.
  std::int64_t max_delay = 10000;
};

constexpr const char *kUsage =
    "usage: lda --corpus PATH [--topics 20] [--alpha 0.1] [--beta 0.01] [--epochs 50]\n"
    "           [--seed 1] [--max-delay 10000]\n";

constexpr weft_samples::CommandLine kCommandLine("lda", kUsage);

Options parse_options(int argc, char **argv) {
  Options o;
  kCommandLine.for_each_flag(argc, argv, [&](const std::string &flag, const std::string &value) {
    if (flag == "--corpus")
      o.corpus_path = value;
    else if (flag == "--topics")
      o.topics = kCommandLine.number<int>(flag, value, 1, kMaxTopics);
    else if (flag == "--epochs")
      o.epochs = kCommandLine.number<int>(flag, value, 0, 1000000);
    else if (flag == "--alpha")
      o.alpha = kCommandLine.number<double>(flag, value, 1e-9, 1e6);
    else if (flag == "--beta")
      o.beta = kCommandLine.number<double>(flag, value, 1e-9, 1e6);
    else if (flag == "--seed")
      o.seed = kCommandLine.number<std::uint64_t>(flag, value, 0, UINT64_MAX);
    else if (flag == "--max-delay")
      o.max_delay = kCommandLine.number<std::int64_t>(flag, value, 1, INT64_C(1) << 40);
    else
      return false;
    return true;
  });
  if (o.corpus_path.empty())
    kCommandLine.usage_error("missing --corpus");
  return o;
}

// A uniform number in [0, 1) that depends on (seed, epoch, doc, position) alone: a
// counter-based generator (splitmix64's mixer applied to each word in turn), so that
// every token draws its own numbers whatever order or process visits it.
double token_uniform(std::uint64_t seed, std::int64_t epoch, std::int64_t doc,
                     std::int64_t position) {
  std::uint64_t x = weft::detail::mix64(seed + weft::detail::kSplitmix64Gamma);
  x = weft::detail::mix64(x ^ static_cast<std::uint64_t>(epoch));
  x = weft::detail::mix64(x ^ static_cast<std::uint64_t>(doc));
  x = weft::detail::mix64(x ^ static_cast<std::uint64_t>(position));
  return static_cast<double>(x >> 11) * 0x1p-53;
}

// log p(w, z) with theta and phi integrated out (Griffiths and Steyvers 2004):
//   log p(w | z) = sum_k [ lgamma(V beta) - lgamma(n_k + V beta) + sum_w (lgamma(n_wk + beta) -
//   lgamma(beta)) ] log p(z)     = sum_d [ lgamma(K alpha) - lgamma(n_d + K alpha) + sum_k
//   (lgamma(n_dk + alpha) - lgamma(alpha)) ]
// Zero counts add nothing to the inner sums.
double joint_log_likelihood(const weft::DistArray<std::int32_t, 2> &ndk,
                            const weft::DistArray<std::int32_t, 2> &nwk,
                            const weft::DistArray<std::int32_t, 1> &nk,
                            const weft::DistArray<std::int32_t, 1> &doc_len, double alpha,
                            double beta) {
  const std::int64_t docs = ndk.shape()[0], words = nwk.shape()[0], K = nk.shape()[0];
  const double V = static_cast<double>(words);
  const double lg_alpha = std::lgamma(alpha), lg_beta = std::lgamma(beta);
  double ll = 0.0;
  for (std::int64_t k = 0; k < K; ++k)
    ll += std::lgamma(V * beta) - std::lgamma(nk(k) + V * beta);
  for (std::int64_t w = 0; w < words; ++w) {
    for (std::int64_t k = 0; k < K; ++k) {
      if (nwk(w, k) != 0)
        ll += std::lgamma(nwk(w, k) + beta) - lg_beta;
    }
  }
  for (std::int64_t d = 0; d < docs; ++d) {
    ll += std::lgamma(static_cast<double>(K) * alpha) -
          std::lgamma(doc_len(d) + static_cast<double>(K) * alpha);
    for (std::int64_t k = 0; k < K; ++k) {
      if (ndk(d, k) != 0)
        ll += std::lgamma(ndk(d, k) + alpha) - lg_alpha;
    }
  }
  return ll;
}

int run(const Options &opts) {
  // Entries (doc, word, position) -> 1: one per token.
  const weft::SparseArray<std::int32_t, 3> corpus =
      weft::load_triples<std::int32_t, 3>(opts.corpus_path);
  if (corpus.size() == 0)
    throw weft::Error(opts.corpus_path + ": no tokens");
  for (const auto &e : corpus) {
    if (e.value != 1) {
      throw weft::Error(opts.corpus_path + ": token (" + std::to_string(e.key[0]) + ", " +
                        std::to_string(e.key[1]) + ", " + std::to_string(e.key[2]) +
                        ") has value " + std::to_string(e.value) +
                        "; every token's value must be 1");
    }
  }
  const std::array<std::int64_t, 3> extent = corpus.shape();
  const std::int64_t num_docs = extent[0], num_words = extent[1], max_len = extent[2];
  const std::int64_t tokens = corpus.size();
  const int K = opts.topics;
  const double alpha = opts.alpha;
  const double beta = opts.beta;
  const double vbeta = static_cast<double>(num_words) * beta;
  const double kalpha = static_cast<double>(K) * alpha;
  const std::uint64_t seed = opts.seed;

  weft::DistArray<std::int32_t, 2> Z({num_docs, max_len}); // topic of the token at (doc, position)
  weft::DistArray<std::int32_t, 2> ndk({num_docs, K});     // tokens of doc d with topic k
  weft::DistArray<std::int32_t, 2> nwk({num_words, K});    // tokens of word w with topic k
  weft::DistArray<std::int32_t, 1> nk({K});                // tokens with topic k
  weft::DistArray<std::int32_t, 1> doc_len({num_docs});
  // The topic totals change through a Buffer: every token updates them, so a parallel
  // program lets workers see them a little stale instead of serializing on them.
  weft::Buffer<std::int32_t, 1> dnk(nk, weft::apply_add, opts.max_delay);

  // Initial topics: uniform, from the same counter-based generator (epoch -1).
  for (const auto &e : corpus) {
    const std::int64_t d = e.key[0], w = e.key[1], pos = e.key[2];
    const std::int32_t topic =
        std::min(K - 1, static_cast<std::int32_t>(token_uniform(seed, -1, d, pos) * K));
    Z(d, pos) = topic;
    ndk(d, topic) += 1;
    nwk(w, topic) += 1;
    nk(topic) += 1;
    doc_len(d) += 1;
  }

  std::printf("epoch,seconds,log_likelihood,perplexity\n");
  double sweep_seconds = 0.0;
  for (int epoch = 0; epoch < opts.epochs; ++epoch) {
    weft::Accumulator<double> log_predictive(0.0);
    const auto start = std::chrono::steady_clock::now();
#pragma weft parallel_for
    for (const auto &e : corpus) {
      const std::int64_t d = e.key[0], w = e.key[1], pos = e.key[2];
      const std::int32_t old_topic = Z(d, pos);
      ndk(d, old_topic) -= 1;
      nwk(w, old_topic) -= 1;
      dnk(old_topic) += -1;
      // cumulative[k]: the weights of topics 0..k summed.
      double cumulative[kMaxTopics];
      double total = 0.0;
      for (int k = 0; k < K; ++k) {
        total += (ndk(d, k) + alpha) * (nwk(w, k) + beta) / (nk(k) + vbeta);
        cumulative[k] = total;
      }
      // The new topic is the first k whose cumulative weight exceeds u: the number of
      // k < K - 1 at or below it (the weights are non-negative).
      const double u = token_uniform(seed, epoch, d, pos) * total;
      std::int32_t new_topic = 0;
      for (int k = 0; k < K - 1; ++k)
        new_topic += cumulative[k] <= u ? 1 : 0;
      Z(d, pos) = new_topic;
      ndk(d, new_topic) += 1;
      nwk(w, new_topic) += 1;
      dnk(new_topic) += 1;
      // sum_k theta_dk phi_wk without this token: its predictive probability.
      log_predictive += std::log(total / (doc_len(d) - 1 + kalpha));
    }
    sweep_seconds += seconds_since(start);

    const double log_likelihood = joint_log_likelihood(ndk, nwk, nk, doc_len, alpha, beta);
    const double n = static_cast<double>(tokens);
    std::printf("%d,%.3f,%.6f,%.4f\n", epoch + 1, sweep_seconds, log_likelihood / n,
                std::exp(-log_predictive.value() / n));
    std::fflush(stdout);
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const Options opts = parse_options(argc, argv);
  return weft_samples::run_reporting_errors("lda", [&] { return run(opts); });
}
