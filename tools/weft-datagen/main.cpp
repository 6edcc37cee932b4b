// weft-datagen: synthetic data sets for weft's samples, one subcommand per data set.
//
// Exit status: 0 on success, 2 on bad arguments (nothing written), 1 on an I/O error.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "Lda.h"
#include "LogisticRegression.h"
#include "MatrixFactorization.h"

namespace {

constexpr const char *kUsage =
    "usage: weft-datagen mf --users U --items I --ratings R --train PATH --test PATH\n"
    "                       [--rank K] [--noise SIGMA] [--seed S] [--test-fraction F]\n"
    "       weft-datagen lr --examples N --features F --train PATH --test PATH\n"
    "                       [--nnz K] [--zipf A] [--signal S] [--seed S] [--test-fraction P]\n"
    "       weft-datagen lda --docs D --vocab V --corpus PATH [--topics K] [--min-length L]\n"
    "                        [--max-length L] [--alpha A] [--beta B] [--seed S]\n"
    "       weft-datagen --help\n"
    "\n"
    "mf: a synthetic matrix-factorization problem. True factors W*[U,K] and H*[I,K] have\n"
    "    N(0, 1/sqrt(K)) entries; R distinct (user, item) pairs, drawn uniformly, are rated\n"
    "    dot(W*_u, H*_i) + N(0, SIGMA^2). Each rating goes to the test file with\n"
    "    probability F, else to the train file, as lines \"u i rating\".\n"
    "    Defaults: --rank 16 --noise 0.3 --seed 1 --test-fraction 0.1.\n"
    "    The files are a function of the arguments alone and are written atomically.\n"
    "\n"
    "lr: a synthetic sparse logistic-regression problem. Hidden weights w*_f ~ N(0, S^2)\n"
    "    for features f = 1..F and a bias b* ~ N(0, 1). Each of N examples draws 1 to 2K-1\n"
    "    feature ids (K on average) with P(f) ~ f^-A; its values x_f are the draw counts\n"
    "    scaled to unit norm, its label is 1 with probability 1 / (1 + exp(-margin)),\n"
    "    margin = b* + sum_f w*_f x_f, else 0. Each example goes to the test file with\n"
    "    probability P, else to the train file. Examples are numbered from 0 in each file;\n"
    "    example i is a label line \"i 0 y\" (y: 0 or 1) then lines \"i f x_f\" by increasing\n"
    "    f (column 0 is the label; weft::load_triples<float, 2> reads the file).\n"
    "    Defaults: --nnz 10 --zipf 1 --signal 4 --seed 1 --test-fraction 0.1.\n"
    "    The files are a function of the arguments alone and are written atomically.\n"
    "\n"
    "lda: a synthetic corpus drawn from a latent Dirichlet allocation model. Each of K\n"
    "    topics is a distribution over the V words ~ Dirichlet(B); each of D documents\n"
    "    has topic proportions ~ Dirichlet(A) and a length uniform in [min, max]; each\n"
    "    token draws a topic from its document's proportions, then a word from that\n"
    "    topic. Token p of document d, word w, is the line \"d w p 1\"\n"
    "    (weft::load_triples<std::int32_t, 3> reads the file).\n"
    "    Defaults: --topics 10 --min-length 50 --max-length 150 --alpha 0.1 --beta 0.01\n"
    "    --seed 1. The file is a function of the arguments alone and is written atomically.\n";

// Bad command-line arguments: reported with the usage, exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::int64_t parse_integer(const std::string &flag, const std::string &text, std::int64_t lo,
                           std::int64_t hi) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    if (ec == std::errc::result_out_of_range)
      throw UsageError(flag + " is out of range: '" + text + "'");
    throw UsageError(flag + " needs an integer, got '" + text + "'");
  }
  if (v < lo || v > hi) {
    throw UsageError(flag + " must be between " + std::to_string(lo) + " and " +
                     std::to_string(hi) + ", got " + text);
  }
  return v;
}

std::uint64_t parse_seed(const std::string &flag, const std::string &text) {
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    throw UsageError(flag + " needs an integer in [0, 2^64), got '" + text + "'");
  }
  return v;
}

double parse_real(const std::string &flag, const std::string &text, double lo, double hi) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty() || !std::isfinite(v)) {
    throw UsageError(flag + " needs a finite number, got '" + text + "'");
  }
  if (v < lo || v > hi) {
    char range[64];
    std::snprintf(range, sizeof range, "between %g and %g", lo, hi);
    throw UsageError(flag + " must be " + range + ", got " + text);
  }
  return v;
}

// "--flag value" pairs, each flag at most once and from `known`.
std::map<std::string, std::string> parse_flags(const std::vector<std::string> &args,
                                               const std::vector<std::string> &known) {
  std::map<std::string, std::string> flags;
  for (std::size_t n = 0; n < args.size(); n += 2) {
    const std::string &flag = args[n];
    if (std::find(known.begin(), known.end(), flag) == known.end())
      throw UsageError("unknown argument '" + flag + "'");
    if (n + 1 == args.size())
      throw UsageError(flag + " needs a value");
    if (flags.count(flag))
      throw UsageError(flag + " is given twice");
    flags[flag] = args[n + 1];
  }
  return flags;
}

const std::string &required(const std::map<std::string, std::string> &flags,
                            const std::string &flag) {
  const auto it = flags.find(flag);
  if (it == flags.end())
    throw UsageError("missing " + flag);
  return it->second;
}

weft::datagen::MfOptions parse_mf_options(const std::vector<std::string> &args) {
  const auto flags = parse_flags(args, {"--users", "--items", "--ratings", "--rank", "--noise",
                                        "--seed", "--test-fraction", "--train", "--test"});
  const auto optional = [&](const std::string &flag, const char *fallback) {
    const auto it = flags.find(flag);
    return it == flags.end() ? std::string(fallback) : it->second;
  };
  constexpr std::int64_t kMaxExtent = 1000000000; // users * items stays below 2^63
  weft::datagen::MfOptions o;
  o.users = parse_integer("--users", required(flags, "--users"), 1, kMaxExtent);
  o.items = parse_integer("--items", required(flags, "--items"), 1, kMaxExtent);
  o.ratings = parse_integer("--ratings", required(flags, "--ratings"), 1,
                            std::numeric_limits<std::int64_t>::max());
  o.rank = static_cast<int>(parse_integer("--rank", optional("--rank", "16"), 1, 1024));
  o.noise = parse_real("--noise", optional("--noise", "0.3"), 0.0, 1e6);
  o.seed = parse_seed("--seed", optional("--seed", "1"));
  o.test_fraction = parse_real("--test-fraction", optional("--test-fraction", "0.1"), 0.0, 1.0);
  o.train_path = required(flags, "--train");
  o.test_path = required(flags, "--test");
  if (o.ratings > o.users * o.items) {
    throw UsageError("--ratings " + std::to_string(o.ratings) + " is more than the " +
                     std::to_string(o.users * o.items) + " distinct (user, item) pairs of " +
                     std::to_string(o.users) + " users and " + std::to_string(o.items) + " items");
  }
  if (o.train_path.empty() || o.test_path.empty())
    throw UsageError("--train and --test need non-empty paths");
  if (o.train_path == o.test_path)
    throw UsageError("--train and --test must be different files");
  return o;
}

int run_mf(const std::vector<std::string> &args) {
  const weft::datagen::MfOptions o = parse_mf_options(args);
  const auto start = std::chrono::steady_clock::now();
  const weft::datagen::MfCounts counts = weft::datagen::generate_mf(o);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr,
               "weft-datagen: mf: %lld users x %lld items, rank %d, noise %g, seed %llu: "
               "%lld train ratings -> %s, %lld test ratings -> %s (%.1f s)\n",
               static_cast<long long>(o.users), static_cast<long long>(o.items), o.rank, o.noise,
               static_cast<unsigned long long>(o.seed), static_cast<long long>(counts.train),
               o.train_path.c_str(), static_cast<long long>(counts.test), o.test_path.c_str(),
               seconds);
  return 0;
}

weft::datagen::LrOptions parse_lr_options(const std::vector<std::string> &args) {
  const auto flags = parse_flags(args, {"--examples", "--features", "--nnz", "--zipf", "--signal",
                                        "--seed", "--test-fraction", "--train", "--test"});
  const auto optional = [&](const std::string &flag, const char *fallback) {
    const auto it = flags.find(flag);
    return it == flags.end() ? std::string(fallback) : it->second;
  };
  constexpr std::int64_t kMaxFeatures = 100000000; // the generator holds 16 bytes per feature
  weft::datagen::LrOptions o;
  o.examples = parse_integer("--examples", required(flags, "--examples"), 1,
                             std::numeric_limits<std::int64_t>::max());
  o.features = parse_integer("--features", required(flags, "--features"), 1, kMaxFeatures);
  o.nnz = parse_integer("--nnz", optional("--nnz", "10"), 1, 1000000);
  o.zipf = parse_real("--zipf", optional("--zipf", "1"), 0.0, 100.0);
  o.signal = parse_real("--signal", optional("--signal", "4"), 0.0, 1e6);
  o.seed = parse_seed("--seed", optional("--seed", "1"));
  o.test_fraction = parse_real("--test-fraction", optional("--test-fraction", "0.1"), 0.0, 1.0);
  o.train_path = required(flags, "--train");
  o.test_path = required(flags, "--test");
  if (o.train_path.empty() || o.test_path.empty())
    throw UsageError("--train and --test need non-empty paths");
  if (o.train_path == o.test_path)
    throw UsageError("--train and --test must be different files");
  return o;
}

int run_lr(const std::vector<std::string> &args) {
  const weft::datagen::LrOptions o = parse_lr_options(args);
  const auto start = std::chrono::steady_clock::now();
  const weft::datagen::LrCounts counts = weft::datagen::generate_lr(o);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double examples = static_cast<double>(counts.train + counts.test);
  const double bayes_accuracy = counts.test > 0 ? static_cast<double>(counts.test_bayes_correct) /
                                                      static_cast<double>(counts.test)
                                                : 0.0;
  std::fprintf(
      stderr,
      "weft-datagen: lr: %lld examples, %lld features, nnz %lld, zipf %g, signal %g, seed %llu: "
      "%lld train examples (%lld non-zeros) -> %s, %lld test examples (%lld non-zeros) -> %s; "
      "%.1f%% labelled 1, Bayes accuracy on test %.4f (%.1f s)\n",
      static_cast<long long>(o.examples), static_cast<long long>(o.features),
      static_cast<long long>(o.nnz), o.zipf, o.signal, static_cast<unsigned long long>(o.seed),
      static_cast<long long>(counts.train), static_cast<long long>(counts.train_entries),
      o.train_path.c_str(), static_cast<long long>(counts.test),
      static_cast<long long>(counts.test_entries), o.test_path.c_str(),
      100.0 * static_cast<double>(counts.positives) / examples, bayes_accuracy, seconds);
  return 0;
}

weft::datagen::LdaOptions parse_lda_options(const std::vector<std::string> &args) {
  const auto flags = parse_flags(args, {"--docs", "--vocab", "--topics", "--min-length",
                                        "--max-length", "--alpha", "--beta", "--seed", "--corpus"});
  const auto optional = [&](const std::string &flag, const char *fallback) {
    const auto it = flags.find(flag);
    return it == flags.end() ? std::string(fallback) : it->second;
  };
  constexpr std::int64_t kMaxTopicWords =
      100000000; // the generator holds 16 bytes per (topic, word)
  constexpr std::int64_t kMaxTokens =
      std::numeric_limits<std::int32_t>::max(); // samples/lda's counts
  weft::datagen::LdaOptions o;
  o.docs = parse_integer("--docs", required(flags, "--docs"), 1, 1000000000);
  o.vocab = parse_integer("--vocab", required(flags, "--vocab"), 1, kMaxTopicWords);
  o.topics = static_cast<int>(parse_integer("--topics", optional("--topics", "10"), 1, 1024));
  o.min_length = parse_integer("--min-length", optional("--min-length", "50"), 1, 1000000);
  o.max_length = parse_integer("--max-length", optional("--max-length", "150"), 1, 1000000);
  o.alpha = parse_real("--alpha", optional("--alpha", "0.1"), 1e-6, 1e6);
  o.beta = parse_real("--beta", optional("--beta", "0.01"), 1e-6, 1e6);
  o.seed = parse_seed("--seed", optional("--seed", "1"));
  o.corpus_path = required(flags, "--corpus");
  if (o.corpus_path.empty())
    throw UsageError("--corpus needs a non-empty path");
  if (o.min_length > o.max_length) {
    throw UsageError("--min-length " + std::to_string(o.min_length) +
                     " is more than --max-length " + std::to_string(o.max_length));
  }
  if (o.topics * o.vocab > kMaxTopicWords) {
    throw UsageError("--topics x --vocab must be at most " + std::to_string(kMaxTopicWords) +
                     ", got " + std::to_string(o.topics * o.vocab));
  }
  if (o.docs * o.max_length > kMaxTokens) {
    throw UsageError("--docs x --max-length must be at most " + std::to_string(kMaxTokens) +
                     " tokens (samples/lda counts in 32 bits), got " +
                     std::to_string(o.docs * o.max_length));
  }
  return o;
}

int run_lda(const std::vector<std::string> &args) {
  const weft::datagen::LdaOptions o = parse_lda_options(args);
  const auto start = std::chrono::steady_clock::now();
  const weft::datagen::LdaCounts counts = weft::datagen::generate_lda(o);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr,
               "weft-datagen: lda: %lld docs, %lld words (%lld used), %d topics, alpha %g, beta "
               "%g, seed %llu: "
               "%lld tokens -> %s; log p(w, z) per token under the true topics %.4f (%.1f s)\n",
               static_cast<long long>(o.docs), static_cast<long long>(o.vocab),
               static_cast<long long>(counts.words_used), o.topics, o.alpha, o.beta,
               static_cast<unsigned long long>(o.seed), static_cast<long long>(counts.tokens),
               o.corpus_path.c_str(), counts.true_log_likelihood, seconds);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty())
      throw UsageError("missing subcommand");
    if (args[0] == "--help" || args[0] == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (args[0] == "mf")
      return run_mf(std::vector<std::string>(args.begin() + 1, args.end()));
    if (args[0] == "lr")
      return run_lr(std::vector<std::string>(args.begin() + 1, args.end()));
    if (args[0] == "lda")
      return run_lda(std::vector<std::string>(args.begin() + 1, args.end()));
    throw UsageError("unknown subcommand '" + args[0] + "'");
  } catch (const UsageError &e) {
    std::fprintf(stderr, "weft-datagen: error: %s\n\n%s", e.what(), kUsage);
    return 2;
  } catch (const std::bad_alloc &) {
    std::fputs("weft-datagen: error: out of memory\n", stderr);
    return 1;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "weft-datagen: error: %s\n", e.what());
    return 1;
  }
}
