// Parsing of weft::rt::Options from the environment and the command line.
#include "weft/rt/options.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace weft::rt {
namespace {

constexpr const char *kHelp =
    "  --weft-ranks=N                 expected number of processes (0: any)\n"
    "  --weft-threads=N               worker threads per process (0: cores / processes per node)\n"
    "  --weft-checkpoint-every=N      write a checkpoint every N epochs (0: never)\n"
    "  --weft-checkpoint-dir=DIR      checkpoint directory (default weft-checkpoints)\n"
    "  --weft-restart                 resume from the newest complete checkpoint\n"
    "  --weft-partition-bytes=B       communication partition size (default 4M)\n"
    "  --weft-credit-bytes=B          bytes in flight (default 16M)\n"
    "  --weft-comm-tuning=N           loops spent tuning the two above (default 6; 0: none)\n"
    "  --weft-comm-policy=P           priority (default); baselines: fifo, buckets, fusion\n"
    "  --weft-emulate-link=GBPS[,US]  emulate a link of GBPS Gb/s and US us latency (default "
    "off)\n"
    "  --weft-partitions-per-rank=M   rotation_2d time partitions per process (default 2)\n"
    "  --weft-cache-bytes=B           rotation_2d cache block working set (default 256K)\n"
    "  --weft-wait-timeout=SECONDS    a longer wait for other processes is an error (default 300; "
    "0: none)\n"
    "  --weft-pipeline-stages=N       stages of a pipeline loop (0: as many as fit)\n"
    "  --weft-pipeline-microbatches=M microbatches per minibatch (0: from the stages)\n"
    "  --weft-pipeline-schedule=S     flush (default), gpipe; 1f1b, 2bw where the pragma allows\n"
    "  --weft-pipeline-stats          print each process's busy and idle time per pipeline loop\n"
    "  --weft-pipeline-profile=PATH   write each pipeline loop's profile (.json or graph.txt)\n"
    "  --weft-materialize=eager|lazy  make partitioned arrays whole after each loop, or at\n"
    "                                 first use (see docs/design.md before choosing lazy)\n"
    "  --weft-output=all|root         which processes' standard output is shown\n"
    "Each flag can also be set in the environment: WEFT_THREADS=4, WEFT_RESTART=1, ...\n";

// Where a value came from, for messages: "--weft-threads" or "WEFT_THREADS".
using Setter = std::function<void(Options &, const std::string &source, const std::string &value)>;

struct OptionSpec {
  const char *flag; // without the leading "--"
  const char *env;
  bool is_switch; // takes no value on the command line (but accepts =0/=1)
  Setter set;
};

[[noreturn]] void bad_value(const std::string &source, const std::string &what,
                            const std::string &value) {
  throw OptionError(source + " needs " + what + ", got '" + value + "'");
}

std::int64_t parse_integer(const std::string &source, const std::string &value, std::int64_t lo,
                           std::int64_t hi) {
  std::int64_t v = 0;
  const char *last = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), last, v);
  if (value.empty() || ec != std::errc() || ptr != last || v < lo || v > hi) {
    bad_value(source, "an integer from " + std::to_string(lo) + " to " + std::to_string(hi), value);
  }
  return v;
}

// "4096", "64K", "4M", "1G" (binary multiples).
std::int64_t parse_bytes(const std::string &source, const std::string &value, std::int64_t lo,
                         std::int64_t hi) {
  std::int64_t v = 0;
  const char *first = value.data();
  const char *last = first + value.size();
  const auto [ptr, ec] = std::from_chars(first, last, v);
  std::int64_t scale = 1;
  if (ptr + 1 == last) {
    switch (*ptr) {
    case 'k':
    case 'K':
      scale = std::int64_t{1} << 10;
      break;
    case 'm':
    case 'M':
      scale = std::int64_t{1} << 20;
      break;
    case 'g':
    case 'G':
      scale = std::int64_t{1} << 30;
      break;
    default:
      scale = 0;
    }
  } else if (ptr != last) {
    scale = 0;
  }
  const std::string what = "a byte count from " + std::to_string(lo) + " to " + std::to_string(hi) +
                           " (suffixes K, M, G allowed)";
  if (value.empty() || ec != std::errc() || scale == 0 || v > hi / scale)
    bad_value(source, what, value);
  v *= scale;
  if (v < lo || v > hi)
    bad_value(source, what, value);
  return v;
}

bool parse_switch(const std::string &source, const std::string &value) {
  if (value == "1" || value == "true" || value == "yes" || value == "on")
    return true;
  if (value == "0" || value == "false" || value == "no" || value == "off")
    return false;
  bad_value(source, "1 or 0 (true/false, yes/no, on/off)", value);
}

const std::vector<OptionSpec> &specs() {
  static const std::vector<OptionSpec> all = {
      {"weft-ranks", "WEFT_RANKS", false,
       [](Options &o, const std::string &s, const std::string &v) {
         o.ranks = static_cast<int>(parse_integer(s, v, 0, 1 << 20));
       }},
      {"weft-threads", "WEFT_THREADS", false,
       [](Options &o, const std::string &s, const std::string &v) {
         o.threads = static_cast<int>(parse_integer(s, v, 0, 4096));
       }},
      {"weft-checkpoint-every", "WEFT_CHECKPOINT_EVERY", false,
       [](Options &o, const std::string &s, const std::string &v) {
         o.checkpoint_every = static_cast<int>(parse_integer(s, v, 0, 1 << 30));
       }},
      {"weft-checkpoint-dir", "WEFT_CHECKPOINT_DIR", false,
       [](Options &o, const std::string &s, const std::string &v) {
         if (v.empty())
           bad_value(s, "a directory name", v);
         o.checkpoint_dir = v;
       }},
      {"weft-restart", "WEFT_RESTART", true,
       [](Options &o, const std::string &s, const std::string &v) {
         o.restart = parse_switch(s, v);
       }},
      {"weft-partition-bytes", "WEFT_PARTITION_BYTES", false,
       [](Options &o, const std::string &s, const std::string &v) {
         o.partition_bytes = parse_bytes(s, v, 1024, std::int64_t{1} << 30);
       }},
      {"weft-credit-bytes", "WEFT_CREDIT_BYTES", false,
       [](Options &o, const std::string &s, const std::string &v) {
         o.credit_bytes = parse_bytes(s, v, 1024, std::int64_t{1} << 40);
       }},
      {"weft-comm-tuning", "WEFT_COMM_TUNING", false,
       [](Options &o, const std::string &s, const std::string &v) {
         o.comm_tuning_loops = static_cast<int>(parse_integer(s, v, 0, 1000));
       }},
      {"weft-comm-policy", "WEFT_COMM_POLICY", false,
       [](Options &o, const std::string &s, const std::string &v) {
         if (v != "priority" && v != "fifo" && v != "buckets" && v != "fusion")
           bad_value(s, "priority, fifo, buckets or fusion", v);
         o.comm_policy = v;
       }},
      {"weft-emulate-link", "WEFT_EMULATE_LINK", false,
       [](Options &o, const std::string &s, const std::string &v) {
         if (v == "0" || v == "off") {
           o.emulated_link_gbps = o.emulated_link_latency_us = 0;
           return;
         }
         // GBPS[,LATENCY_US]
         const std::size_t comma = v.find(',');
         const auto number = [&](const std::string &text, double lo, double hi, bool lo_open) {
           double x = 0;
           const char *last = text.data() + text.size();
           const auto [ptr, ec] = std::from_chars(text.data(), last, x);
           if (text.empty() || ec != std::errc() || ptr != last || !std::isfinite(x) ||
               (lo_open ? x <= lo : x < lo) || x > hi) {
             bad_value(s,
                       "GBPS[,LATENCY_US]: a rate above 0 and at most 10000 Gb/s, a latency "
                       "from 0 to 1e6 microseconds (e.g. 10,50), or off",
                       v);
           }
           return x;
         };
         o.emulated_link_gbps = number(v.substr(0, comma), 0, 10000, true);
         o.emulated_link_latency_us =
             comma == std::string::npos ? 0 : number(v.substr(comma + 1), 0, 1e6, false);
       }},
      {"weft-partitions-per-rank", "WEFT_PARTITIONS_PER_RANK", false,
       [](Options &o, const std::string &s, const std::string &v) {
         o.partitions_per_rank = static_cast<int>(parse_integer(s, v, 1, 64));
       }},
      {"weft-pipeline-stages", "WEFT_PIPELINE_STAGES", false,
       [](Options &o, const std::string &s, const std::string &v) {
         o.pipeline_stages = static_cast<int>(parse_integer(s, v, 0, 4096));
       }},
      {"weft-pipeline-microbatches", "WEFT_PIPELINE_MICROBATCHES", false,
       [](Options &o, const std::string &s, const std::string &v) {
         o.pipeline_microbatches = static_cast<int>(parse_integer(s, v, 0, 1 << 20));
       }},
      {"weft-pipeline-schedule", "WEFT_PIPELINE_SCHEDULE", false,
       [](Options &o, const std::string &s, const std::string &v) {
         if (v != "flush" && v != "gpipe" && v != "1f1b" && v != "2bw")
           bad_value(s, "flush, gpipe, 1f1b or 2bw", v);
         o.pipeline_schedule = v;
       }},
      {"weft-pipeline-stats", "WEFT_PIPELINE_STATS", true,
       [](Options &o, const std::string &s, const std::string &v) {
         o.pipeline_stats = parse_switch(s, v);
       }},
      {"weft-pipeline-profile", "WEFT_PIPELINE_PROFILE", false,
       [](Options &o, const std::string &s, const std::string &v) {
         if (v.empty())
           bad_value(s, "a file name", v);
         o.pipeline_profile = v;
       }},
      {"weft-cache-bytes", "WEFT_CACHE_BYTES", false,
       [](Options &o, const std::string &s, const std::string &v) {
         o.cache_bytes = parse_bytes(s, v, 4096, std::int64_t{1} << 34);
       }},
      {"weft-wait-timeout", "WEFT_WAIT_TIMEOUT", false,
       [](Options &o, const std::string &s, const std::string &v) {
         double seconds = 0;
         const char *last = v.data() + v.size();
         const auto [ptr, ec] = std::from_chars(v.data(), last, seconds);
         if (v.empty() || ec != std::errc() || ptr != last || !std::isfinite(seconds) ||
             seconds < 0 || seconds > 1e9) {
           bad_value(s, "a number of seconds from 0 to 1e9", v);
         }
         o.wait_timeout_seconds = seconds;
       }},
      {"weft-materialize", "WEFT_MATERIALIZE", false,
       [](Options &o, const std::string &s, const std::string &v) {
         if (v == "lazy")
           o.lazy_materialize = true;
         else if (v == "eager")
           o.lazy_materialize = false;
         else
           bad_value(s, "'lazy' or 'eager'", v);
       }},
      {"weft-output", "WEFT_OUTPUT", false,
       [](Options &o, const std::string &s, const std::string &v) {
         if (v == "all")
           o.output = Output::All;
         else if (v == "root")
           o.output = Output::Root;
         else
           bad_value(s, "'all' or 'root'", v);
       }},
  };
  return all;
}

const char *system_getenv(const char *name) { return std::getenv(name); }

} // namespace

const char *options_help() { return kHelp; }

Options parse_options(int &argc, char **argv) { return parse_options(argc, argv, &system_getenv); }

Options parse_options(int &argc, char **argv, const char *(*getenv)(const char *)) {
  Options o;
  for (const OptionSpec &spec : specs()) {
    if (const char *value = getenv(spec.env))
      spec.set(o, spec.env, value);
  }

  // Command line: consume --weft-* (up to a "--", which ends the options of any
  // program) and keep everything else in order.
  int kept = argc > 0 ? 1 : 0;
  bool after_double_dash = false;
  for (int n = kept; n < argc; ++n) {
    const std::string_view arg = argv[n];
    if (after_double_dash || arg.substr(0, 7) != "--weft-") {
      if (arg == "--")
        after_double_dash = true;
      argv[kept++] = argv[n];
      continue;
    }
    const std::size_t eq = arg.find('=');
    const std::string name(
        arg.substr(2, eq == std::string_view::npos ? std::string_view::npos : eq - 2));
    const OptionSpec *spec = nullptr;
    for (const OptionSpec &s : specs()) {
      if (name == s.flag)
        spec = &s;
    }
    const std::string source = "--" + name;
    if (!spec)
      throw OptionError("unknown option " + source + "; the runtime's options are:\n" + kHelp);
    std::string value;
    if (eq != std::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (spec->is_switch) {
      value = "1";
    } else if (n + 1 < argc) {
      value = argv[++n];
    } else {
      throw OptionError(source + " needs a value");
    }
    spec->set(o, source, value);
  }
  if (argc > 0) {
    for (int n = kept; n < argc; ++n)
      argv[n] = nullptr;
    argc = kept;
  }
  return o;
}

} // namespace weft::rt
