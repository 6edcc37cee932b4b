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

#include "MatrixFactorization.h"

namespace {

constexpr const char* kUsage =
    "usage: weft-datagen mf --users U --items I --ratings R --train PATH --test PATH\n"
    "                       [--rank K] [--noise SIGMA] [--seed S] [--test-fraction F]\n"
    "       weft-datagen --help\n"
    "\n"
    "mf: a synthetic matrix-factorization problem. True factors W*[U,K] and H*[I,K] have\n"
    "    N(0, 1/sqrt(K)) entries; R distinct (user, item) pairs, drawn uniformly, are rated\n"
    "    dot(W*_u, H*_i) + N(0, SIGMA^2). Each rating goes to the test file with\n"
    "    probability F, else to the train file, as lines \"u i rating\".\n"
    "    Defaults: --rank 16 --noise 0.3 --seed 1 --test-fraction 0.1.\n"
    "    The files are a function of the arguments alone and are written atomically.\n";

// Bad command-line arguments: reported with the usage, exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::int64_t parse_integer(const std::string& flag, const std::string& text, std::int64_t lo, std::int64_t hi) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    if (ec == std::errc::result_out_of_range) throw UsageError(flag + " is out of range: '" + text + "'");
    throw UsageError(flag + " needs an integer, got '" + text + "'");
  }
  if (v < lo || v > hi) {
    throw UsageError(flag + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + text);
  }
  return v;
}

std::uint64_t parse_seed(const std::string& flag, const std::string& text) {
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    throw UsageError(flag + " needs an integer in [0, 2^64), got '" + text + "'");
  }
  return v;
}

double parse_real(const std::string& flag, const std::string& text, double lo, double hi) {
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
std::map<std::string, std::string> parse_flags(const std::vector<std::string>& args,
                                               const std::vector<std::string>& known) {
  std::map<std::string, std::string> flags;
  for (std::size_t n = 0; n < args.size(); n += 2) {
    const std::string& flag = args[n];
    if (std::find(known.begin(), known.end(), flag) == known.end()) throw UsageError("unknown argument '" + flag + "'");
    if (n + 1 == args.size()) throw UsageError(flag + " needs a value");
    if (flags.count(flag)) throw UsageError(flag + " is given twice");
    flags[flag] = args[n + 1];
  }
  return flags;
}

const std::string& required(const std::map<std::string, std::string>& flags, const std::string& flag) {
  const auto it = flags.find(flag);
  if (it == flags.end()) throw UsageError("missing " + flag);
  return it->second;
}

weft::datagen::MfOptions parse_mf_options(const std::vector<std::string>& args) {
  const auto flags = parse_flags(args, {"--users", "--items", "--ratings", "--rank", "--noise", "--seed",
                                        "--test-fraction", "--train", "--test"});
  const auto optional = [&](const std::string& flag, const char* fallback) {
    const auto it = flags.find(flag);
    return it == flags.end() ? std::string(fallback) : it->second;
  };
  constexpr std::int64_t kMaxExtent = 1000000000;  // users * items stays below 2^63
  weft::datagen::MfOptions o;
  o.users = parse_integer("--users", required(flags, "--users"), 1, kMaxExtent);
  o.items = parse_integer("--items", required(flags, "--items"), 1, kMaxExtent);
  o.ratings = parse_integer("--ratings", required(flags, "--ratings"), 1, std::numeric_limits<std::int64_t>::max());
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
  if (o.train_path.empty() || o.test_path.empty()) throw UsageError("--train and --test need non-empty paths");
  if (o.train_path == o.test_path) throw UsageError("--train and --test must be different files");
  return o;
}

int run_mf(const std::vector<std::string>& args) {
  const weft::datagen::MfOptions o = parse_mf_options(args);
  const auto start = std::chrono::steady_clock::now();
  const weft::datagen::MfCounts counts = weft::datagen::generate_mf(o);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr,
               "weft-datagen: mf: %lld users x %lld items, rank %d, noise %g, seed %llu: "
               "%lld train ratings -> %s, %lld test ratings -> %s (%.1f s)\n",
               static_cast<long long>(o.users), static_cast<long long>(o.items), o.rank, o.noise,
               static_cast<unsigned long long>(o.seed), static_cast<long long>(counts.train), o.train_path.c_str(),
               static_cast<long long>(counts.test), o.test_path.c_str(), seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty()) throw UsageError("missing subcommand");
    if (args[0] == "--help" || args[0] == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (args[0] == "mf") return run_mf(std::vector<std::string>(args.begin() + 1, args.end()));
    throw UsageError("unknown subcommand '" + args[0] + "'");
  } catch (const UsageError& e) {
    std::fprintf(stderr, "weft-datagen: error: %s\n\n%s", e.what(), kUsage);
    return 2;
  } catch (const std::bad_alloc&) {
    std::fputs("weft-datagen: error: out of memory\n", stderr);
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weft-datagen: error: %s\n", e.what());
    return 1;
  }
}
