// Edit distance (Levenshtein) by dynamic programming: the serial program that weftc
// parallelizes as a wavefront. D(i, j) is the edit distance between the first i letters
// of a and the first j letters of b:
//
//   D(i, 0) = i,  D(0, j) = j,
//   D(i, j) = min(D(i-1, j-1) + [a_i != b_j],  D(i-1, j) + 1,  D(i, j-1) + 1),
//
// and the score is D(n, m). Cell (i, j) needs (i-1, j-1), (i-1, j) and (i, j-1): all
// distances (1, 1), (1, 0), (0, 1) are lexicographically positive, and the cells of an
// anti-diagonal i + j = const are independent of each other.
//
//   wavefront [--length-a 5000] [--length-b 5000] [--alphabet 4] [--epochs 5] [--seed 1]
//             [--a SEQ --b SEQ] [--print-sequences]
//
// Each epoch aligns a new pair of random sequences (letters 'A', 'B', ... of an alphabet
// of --alphabet letters), computed from (seed, epoch) alone; --a/--b align the given
// pair in every epoch instead. Prints CSV on stdout: epoch,seconds,score,checksum
// (seconds: cumulative wall time of the DP loops; checksum: 64-bit FNV-1a over every
// cell of D, see table_checksum, in hex). --print-sequences appends columns a,b.
// Exit status: 0, 1 on an error while running, 2 on bad arguments.
#include <weft/weft.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "../common/sample_main.h"

namespace {

using weft_samples::seconds_since;

struct Options {
  std::int64_t length_a = 5000;
  std::int64_t length_b = 5000;
  int alphabet = 4;
  int epochs = 5;
  std::uint64_t seed = 1;
  std::string a; // explicit sequences (--a, --b); empty strings are allowed
  std::string b;
  bool explicit_pair = false;
  bool print_sequences = false;
};

constexpr const char *kUsage =
    "usage: wavefront [--length-a 5000] [--length-b 5000] [--alphabet 4] [--epochs 5] [--seed 1]\n"
    "                 [--a SEQ --b SEQ] [--print-sequences]\n";

// The table may hold at most this many cells (4 GiB of int32_t).
constexpr std::int64_t kMaxCells = std::int64_t{1} << 30;
constexpr std::int64_t kMaxLength = 1000000;

constexpr weft_samples::CommandLine kCommandLine("wavefront", kUsage);

std::string parse_sequence(const std::string &flag, const std::string &text) {
  if (static_cast<std::int64_t>(text.size()) > kMaxLength) {
    kCommandLine.usage_error(flag + " is longer than " + std::to_string(kMaxLength) + " letters");
  }
  for (const char c : text) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
      kCommandLine.usage_error(flag + " needs letters A-Z or a-z only, got '" + text + "'");
    }
  }
  return text;
}

Options parse_options(int argc, char **argv) {
  Options o;
  bool has_a = false, has_b = false, has_length = false;
  const auto on_flag = [&](const std::string &flag, const std::string &value) {
    if (flag == "--print-sequences") {
      o.print_sequences = true;
    } else if (flag == "--length-a" || flag == "--length-b") {
      (flag == "--length-a" ? o.length_a : o.length_b) =
          kCommandLine.integer<std::int64_t>(flag, value, 0, kMaxLength);
      has_length = true;
    } else if (flag == "--a" || flag == "--b") {
      (flag == "--a" ? o.a : o.b) = parse_sequence(flag, value);
      (flag == "--a" ? has_a : has_b) = true;
    } else if (flag == "--alphabet") {
      o.alphabet = kCommandLine.integer<int>(flag, value, 1, 26);
    } else if (flag == "--epochs") {
      o.epochs = kCommandLine.integer<int>(flag, value, 0, 1000000);
    } else if (flag == "--seed") {
      o.seed = kCommandLine.integer<std::uint64_t>(flag, value, 0, UINT64_MAX);
    } else {
      return false;
    }
    return true;
  };
  kCommandLine.for_each_flag(argc, argv, on_flag, {"--print-sequences"});
  if (has_a != has_b)
    kCommandLine.usage_error("--a and --b go together");
  if (has_a && has_length)
    kCommandLine.usage_error("--a/--b and --length-a/--length-b exclude each other");
  o.explicit_pair = has_a;
  if (o.explicit_pair) {
    o.length_a = static_cast<std::int64_t>(o.a.size());
    o.length_b = static_cast<std::int64_t>(o.b.size());
  }
  if ((o.length_a + 1) > kMaxCells / (o.length_b + 1)) {
    kCommandLine.usage_error("a table of (" + std::to_string(o.length_a) + " + 1) x (" +
                             std::to_string(o.length_b) + " + 1) cells is larger than " +
                             std::to_string(kMaxCells) + " cells");
  }
  return o;
}

// Letter k of `stream`: splitmix64 (Steele, Lea, Flood 2014) at counter k of a stream
// whose start depends on the stream number, reduced to the alphabet.
std::vector<char> random_sequence(std::uint64_t stream, std::int64_t length, int alphabet) {
  auto mix = [](std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  constexpr std::uint64_t kGamma = 0x9e3779b97f4a7c15ULL;
  const std::uint64_t start = mix(stream);
  std::vector<char> letters(static_cast<std::size_t>(length));
  for (std::int64_t k = 0; k < length; ++k) {
    const std::uint64_t x = mix(start + static_cast<std::uint64_t>(k + 1) * kGamma);
    letters[static_cast<std::size_t>(k)] =
        static_cast<char>('A' + (x >> 32) % static_cast<std::uint64_t>(alphabet));
  }
  return letters;
}

// Stream numbers of epoch e's pair: (seed, e, which) -> a distinct 64-bit word for every
// epoch and sequence of a seed.
std::uint64_t stream_of(std::uint64_t seed, int epoch, int which) {
  return seed * 0x100000001b3ULL + 2 * static_cast<std::uint64_t>(epoch) +
         static_cast<std::uint64_t>(which);
}

// 64-bit FNV-1a over the cells of D in row-major order, one step per cell on its value
// as an unsigned 32-bit word: h = (h xor word) * 0x100000001b3, from h = 0xcbf29ce484222325.
std::uint64_t table_checksum(const weft::DistArray<std::int32_t, 2> &D) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  const std::int32_t *cell = D.data();
  for (std::int64_t n = 0; n < D.size(); ++n) {
    h ^= static_cast<std::uint32_t>(cell[n]);
    h *= 0x100000001b3ULL;
  }
  return h;
}

int run(const Options &opts) {
  const int64_t n = opts.length_a;
  const int64_t m = opts.length_b;
  weft::DistArray<std::int32_t, 2> D({n + 1, m + 1});

  std::printf(opts.print_sequences ? "epoch,seconds,score,checksum,a,b\n"
                                   : "epoch,seconds,score,checksum\n");
  double dp_seconds = 0.0;
  for (int epoch = 0; epoch < opts.epochs; ++epoch) {
    const std::vector<char> a =
        opts.explicit_pair ? std::vector<char>(opts.a.begin(), opts.a.end())
                           : random_sequence(stream_of(opts.seed, epoch, 0), n, opts.alphabet);
    const std::vector<char> b =
        opts.explicit_pair ? std::vector<char>(opts.b.begin(), opts.b.end())
                           : random_sequence(stream_of(opts.seed, epoch, 1), m, opts.alphabet);
    // Boundary: turning a prefix into the empty string (or back) takes one edit per letter.
    for (int64_t i = 0; i <= n; ++i)
      D(i, 0) = static_cast<std::int32_t>(i);
    for (int64_t j = 0; j <= m; ++j)
      D(0, j) = static_cast<std::int32_t>(j);

    const auto start = std::chrono::steady_clock::now();
#pragma weft parallel_for ordered
    for (int64_t i = 1; i <= n; ++i)
      for (int64_t j = 1; j <= m; ++j) {
        const std::int32_t substitute = D(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0 : 1);
        const std::int32_t remove = D(i - 1, j) + 1;
        const std::int32_t insert = D(i, j - 1) + 1;
        D(i, j) = std::min(substitute, std::min(remove, insert));
      }
    dp_seconds += seconds_since(start);

    const std::int32_t score = D(n, m);
    const std::uint64_t checksum = table_checksum(D);
    std::printf("%d,%.3f,%" PRId32 ",%016" PRIx64, epoch + 1, dp_seconds, score, checksum);
    if (opts.print_sequences) {
      std::printf(",%s,%s", std::string(a.begin(), a.end()).c_str(),
                  std::string(b.begin(), b.end()).c_str());
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const Options opts = parse_options(argc, argv);
  return weft_samples::run_reporting_errors("wavefront", [&] { return run(opts); });
}
