// weft::rt::parse_options: flags and environment, removal from argv, errors naming the flag.
#include <weft/rt/options.h>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace {

std::map<std::string, std::string> fake_env;
const char *fake_getenv(const char *name) {
  const auto it = fake_env.find(name);
  return it == fake_env.end() ? nullptr : it->second.c_str();
}

// Parses `args` (argv[0] added) with the fake environment; returns the options and
// leaves the kept arguments in `kept`.
weft::rt::Options parse(std::vector<std::string> args, std::vector<std::string> *kept = nullptr) {
  args.insert(args.begin(), "prog");
  std::vector<char *> argv;
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  weft::rt::Options o = weft::rt::parse_options(argc, argv.data(), &fake_getenv);
  if (kept) {
    kept->clear();
    for (int n = 0; n < argc; ++n)
      kept->push_back(argv[n]);
    EXPECT_EQ(argv[argc], nullptr);
  }
  return o;
}

std::string error_of(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const weft::rt::OptionError &e) {
    return e.what();
  }
  return "no error";
}

class RtOptions : public ::testing::Test {
protected:
  void SetUp() override { fake_env.clear(); }
};

TEST_F(RtOptions, DefaultsWithoutFlagsOrEnvironment) {
  const weft::rt::Options o = parse({});
  EXPECT_EQ(o.ranks, 0);
  EXPECT_EQ(o.threads, 0);
  EXPECT_EQ(o.checkpoint_every, 0);
  EXPECT_EQ(o.checkpoint_dir, "weft-checkpoints");
  EXPECT_FALSE(o.restart);
  EXPECT_EQ(o.partition_bytes, 4 << 20);
  EXPECT_EQ(o.credit_bytes, 16 << 20);
  EXPECT_FALSE(o.lazy_materialize);
  EXPECT_FALSE(o.output.has_value()); // the Session's constructor decides
}

TEST_F(RtOptions, OutputSaysWhoseStandardOutputIsShown) {
  EXPECT_EQ(parse({"--weft-output=root"}).output, weft::rt::Output::Root);
  EXPECT_EQ(parse({"--weft-output", "all"}).output, weft::rt::Output::All);
  fake_env = {{"WEFT_OUTPUT", "root"}};
  EXPECT_EQ(parse({}).output, weft::rt::Output::Root);
  EXPECT_EQ(parse({"--weft-output=all"}).output, weft::rt::Output::All);
  fake_env.clear();
  EXPECT_EQ(error_of({"--weft-output=rank0"}), "--weft-output needs 'all' or 'root', got 'rank0'");
}

TEST_F(RtOptions, FlagsAreParsedAndRemovedFromArgv) {
  std::vector<std::string> kept;
  const weft::rt::Options o =
      parse({"--train", "a.txt", "--weft-threads=3", "--weft-checkpoint-every", "5", "--epochs",
             "2", "--weft-checkpoint-dir=/tmp/ck", "--weft-restart", "--weft-partition-bytes=64K",
             "--weft-credit-bytes=1M", "--weft-wait-timeout=2.5", "--weft-materialize=lazy",
             "--weft-ranks=4", "--weft-cache-bytes=256K", "--weft-partitions-per-rank=3"},
            &kept);
  EXPECT_EQ(kept, (std::vector<std::string>{"prog", "--train", "a.txt", "--epochs", "2"}));
  EXPECT_EQ(o.threads, 3);
  EXPECT_EQ(o.checkpoint_every, 5);
  EXPECT_EQ(o.checkpoint_dir, "/tmp/ck");
  EXPECT_TRUE(o.restart);
  EXPECT_EQ(o.partition_bytes, 64 << 10);
  EXPECT_EQ(o.credit_bytes, 1 << 20);
  EXPECT_DOUBLE_EQ(o.wait_timeout_seconds, 2.5);
  EXPECT_TRUE(o.lazy_materialize);
  EXPECT_EQ(o.ranks, 4);
  EXPECT_EQ(o.cache_bytes, 256 << 10);
  EXPECT_EQ(o.partitions_per_rank, 3);
}

TEST_F(RtOptions, EnvironmentIsReadAndTheCommandLineWins) {
  fake_env = {{"WEFT_THREADS", "2"}, {"WEFT_RESTART", "1"}, {"WEFT_CHECKPOINT_EVERY", "7"}};
  weft::rt::Options o = parse({});
  EXPECT_EQ(o.threads, 2);
  EXPECT_TRUE(o.restart);
  EXPECT_EQ(o.checkpoint_every, 7);
  o = parse({"--weft-threads=5", "--weft-restart=0"});
  EXPECT_EQ(o.threads, 5);
  EXPECT_FALSE(o.restart);
}

TEST_F(RtOptions, ArgumentsAfterDoubleDashAreTheProgramsOwn) {
  std::vector<std::string> kept;
  const weft::rt::Options o = parse({"--weft-threads=2", "--", "--weft-threads=9"}, &kept);
  EXPECT_EQ(o.threads, 2);
  EXPECT_EQ(kept, (std::vector<std::string>{"prog", "--", "--weft-threads=9"}));
}

TEST_F(RtOptions, BadValuesNameTheFlagAndTheValue) {
  EXPECT_EQ(error_of({"--weft-threads=abc"}),
            "--weft-threads needs an integer from 0 to 4096, got 'abc'");
  EXPECT_EQ(error_of({"--weft-threads=-1"}),
            "--weft-threads needs an integer from 0 to 4096, got '-1'");
  EXPECT_EQ(error_of({"--weft-threads=4x"}),
            "--weft-threads needs an integer from 0 to 4096, got '4x'");
  EXPECT_EQ(error_of({"--weft-checkpoint-every=1.5"}),
            "--weft-checkpoint-every needs an integer from 0 to 1073741824, got '1.5'");
  EXPECT_EQ(error_of({"--weft-partition-bytes=12Q"}),
            "--weft-partition-bytes needs a byte count from 1024 to 1073741824 (suffixes K, M, G "
            "allowed), got '12Q'");
  EXPECT_EQ(error_of({"--weft-materialize=sometimes"}),
            "--weft-materialize needs 'lazy' or 'eager', got 'sometimes'");
  EXPECT_EQ(error_of({"--weft-restart=maybe"}),
            "--weft-restart needs 1 or 0 (true/false, yes/no, on/off), got 'maybe'");
  EXPECT_EQ(error_of({"--weft-wait-timeout=-3"}),
            "--weft-wait-timeout needs a number of seconds from 0 to 1e9, got '-3'");
  EXPECT_EQ(error_of({"--weft-checkpoint-dir="}),
            "--weft-checkpoint-dir needs a directory name, got ''");
}

TEST_F(RtOptions, MissingValueAndUnknownFlagAreErrors) {
  EXPECT_EQ(error_of({"--weft-threads"}), "--weft-threads needs a value");
  const std::string unknown = error_of({"--weft-thread=2"});
  EXPECT_EQ(unknown.rfind("unknown option --weft-thread; the runtime's options are:", 0), 0u)
      << unknown;
}

TEST_F(RtOptions, BadEnvironmentValueNamesTheVariable) {
  fake_env = {{"WEFT_THREADS", "many"}};
  EXPECT_EQ(error_of({}), "WEFT_THREADS needs an integer from 0 to 4096, got 'many'");
}

TEST_F(RtOptions, EmulatedLinkIsOffByDefaultAndTakesGbpsAndMicroseconds) {
  weft::rt::Options o = parse({});
  EXPECT_EQ(o.emulated_link_gbps, 0);
  EXPECT_EQ(o.comm_policy, "priority");
  o = parse({"--weft-emulate-link=10,50", "--weft-comm-policy=fusion"});
  EXPECT_EQ(o.emulated_link_gbps, 10);
  EXPECT_EQ(o.emulated_link_latency_us, 50);
  EXPECT_EQ(o.comm_policy, "fusion");
  o = parse({"--weft-emulate-link", "2.5"});
  EXPECT_EQ(o.emulated_link_gbps, 2.5);
  EXPECT_EQ(o.emulated_link_latency_us, 0);
  fake_env = {{"WEFT_EMULATE_LINK", "1,100"}};
  o = parse({"--weft-emulate-link=off"});
  EXPECT_EQ(o.emulated_link_gbps, 0);
  o = parse({});
  EXPECT_EQ(o.emulated_link_gbps, 1);
  EXPECT_EQ(o.emulated_link_latency_us, 100);
}

TEST_F(RtOptions, BadEmulatedLinkOrPolicyNamesTheFlagAndTheValue) {
  const std::string need = "--weft-emulate-link needs GBPS[,LATENCY_US]: a rate above 0 and at "
                           "most 10000 Gb/s, a latency from 0 to 1e6 microseconds (e.g. 10,50), "
                           "or off, got ";
  EXPECT_EQ(error_of({"--weft-emulate-link=fast"}), need + "'fast'");
  EXPECT_EQ(error_of({"--weft-emulate-link=-1"}), need + "'-1'");
  EXPECT_EQ(error_of({"--weft-emulate-link=10,"}), need + "'10,'");
  EXPECT_EQ(error_of({"--weft-emulate-link=10,-5"}), need + "'10,-5'");
  EXPECT_EQ(error_of({"--weft-emulate-link=10,5,3"}), need + "'10,5,3'");
  EXPECT_EQ(error_of({"--weft-emulate-link=inf"}), need + "'inf'");
  EXPECT_EQ(error_of({"--weft-comm-policy=lifo"}),
            "--weft-comm-policy needs priority, fifo, buckets or fusion, got 'lifo'");
}

} // namespace
