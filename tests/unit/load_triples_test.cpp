#include <weft/weft.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Key2 = std::array<std::int64_t, 2>;

// Each test writes its files into its own directory under gtest's temp dir.
class LoadTriples : public ::testing::Test {
protected:
  void SetUp() override {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           ("weft_load_triples_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string &name, const std::string &contents) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << contents;
    return p.string();
  }

  // The message of the weft::Error that loading `contents` as <float, 2> throws.
  std::string error_of(const std::string &contents) {
    const std::string path = write("bad.txt", contents);
    try {
      weft::load_triples<float, 2>(path);
    } catch (const weft::Error &e) {
      return e.what();
    }
    return "no error";
  }
  std::string bad_path() const { return (dir_ / "bad.txt").string(); }

  fs::path dir_;
};

TEST_F(LoadTriples, ReadsEntriesInFileOrder) {
  const std::string path = write("r.txt", "# user item rating\n"
                                          "0 1 3.5\n"
                                          "\n"
                                          "2\t0\t-1e-2\r\n"
                                          "   \t \n"
                                          "  # indented comment\n"
                                          "10   4  7\n"
                                          "1 1 .25\n"
                                          "# a last comment without a newline");
  const auto R = weft::load_triples<float, 2>(path);
  ASSERT_EQ(R.size(), 4);
  const auto &e = R.entries();
  EXPECT_EQ(e[0].key, (Key2{0, 1}));
  EXPECT_EQ(e[0].value, 3.5f);
  EXPECT_EQ(e[1].key, (Key2{2, 0}));
  EXPECT_EQ(e[1].value, -0.01f);
  EXPECT_EQ(e[2].key, (Key2{10, 4}));
  EXPECT_EQ(e[2].value, 7.0f);
  EXPECT_EQ(e[3].key, (Key2{1, 1}));
  EXPECT_EQ(e[3].value, 0.25f);
  EXPECT_EQ(R.shape(), (Key2{11, 5}));
}

TEST_F(LoadTriples, ReadsOtherRanksAndValueTypes) {
  const auto v = weft::load_triples<int, 1>(write("v.txt", "3 -7\n0 12\n"));
  ASSERT_EQ(v.size(), 2);
  EXPECT_EQ(v.entries()[0].key[0], 3);
  EXPECT_EQ(v.entries()[0].value, -7);
  const auto t = weft::load_triples<double, 3>(write("t.txt", "1 2 3 0.1\n"));
  ASSERT_EQ(t.size(), 1);
  EXPECT_EQ(t.entries()[0].key, (std::array<std::int64_t, 3>{1, 2, 3}));
  EXPECT_EQ(t.entries()[0].value, 0.1);
}

TEST_F(LoadTriples, EmptyFileIsAnErrorUnlessAllowed) {
  EXPECT_EQ(error_of(""),
            bad_path() + ": no entries (an empty file; a weft::LoadOptions with allow_empty = true "
                         "accepts one)");
  EXPECT_EQ(error_of("# nothing\n\n"), bad_path() +
                                           ": no entries (an empty file; a weft::LoadOptions with "
                                           "allow_empty = true accepts one)");
  weft::LoadOptions allow;
  allow.allow_empty = true;
  EXPECT_EQ((weft::load_triples<float, 2>(write("empty.txt", ""), allow)).size(), 0);
  EXPECT_EQ((weft::load_triples<float, 2>(write("comments.txt", "# nothing\n\n"), allow)).size(),
            0);
}

TEST_F(LoadTriples, LastLineCutShortIsAnError) {
  // "3.75" cut to "3." still parses as a number: any last line with data needs its '\n'.
  EXPECT_EQ(error_of("0 1 2.5\n# c\n2 3 3."), bad_path() +
                                                  ":3: the last line does not end with a newline: "
                                                  "the file may be cut short (end a complete "
                                                  "file with a newline)");
  EXPECT_EQ(error_of("0 1 2.5\n2 3 3.75"), bad_path() +
                                               ":2: the last line does not end with a newline: the "
                                               "file may be cut short (end a complete "
                                               "file with a newline)");
  // Cut in the key fields: the cut is what is reported, not the missing fields.
  EXPECT_EQ(error_of("0 1 2.5\n2 3"), bad_path() + ":2: the last line does not end with a newline: "
                                                   "the file may be cut short (end a complete "
                                                   "file with a newline)");
  // A last blank or comment line carries no data: no newline needed.
  EXPECT_EQ((weft::load_triples<float, 2>(write("ok.txt", "0 1 2.5\n   "))).size(), 1);
}

TEST_F(LoadTriples, KeyAboveTheLimitNamesLineAndLimit) {
  EXPECT_EQ(
      error_of("0 1 1\n2147483647 0 1\n2147483648 0 2.0\n"),
      bad_path() +
          ":3: key 0 is out of range: '2147483648' (the largest key is 2^31 - 1 = 2147483647; "
          "weft::LoadOptions::max_key sets it)");
  EXPECT_EQ(
      error_of("0 4294967296 1\n"),
      bad_path() +
          ":1: key 1 is out of range: '4294967296' (the largest key is 2^31 - 1 = 2147483647; "
          "weft::LoadOptions::max_key sets it)");
  weft::LoadOptions wide;
  wide.max_key = std::int64_t{1} << 40;
  const auto R = weft::load_triples<float, 2>(write("wide.txt", "2147483648 0 2.0\n"), wide);
  EXPECT_EQ(R.entries()[0].key[0], std::int64_t{1} << 31);
  weft::LoadOptions narrow;
  narrow.max_key = 99;
  try {
    weft::load_triples<float, 2>(write("narrow.txt", "0 99 1\n100 0 1\n"), narrow);
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_NE(std::string(e.what()).find(
                  "narrow.txt:2: key 0 is out of range: '100' (the largest key is 99;"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(LoadTriples, LinesAcrossReadBufferBoundariesAreIntact) {
  // More than one 4 MiB read, so some lines straddle two reads.
  std::string contents;
  const int n = 400000;
  for (int u = 0; u < n; ++u)
    contents +=
        std::to_string(u) + " " + std::to_string(u % 97) + " " + std::to_string(u % 1000) + ".5\n";
  ASSERT_GT(contents.size(), weft::detail::LineReader::kBufferBytes);
  const auto R = weft::load_triples<double, 2>(write("big.txt", contents));
  ASSERT_EQ(R.size(), n);
  for (int u = 0; u < n; ++u) {
    const auto &e = R.entries()[static_cast<std::size_t>(u)];
    ASSERT_EQ(e.key, (Key2{u, u % 97}));
    ASSERT_EQ(e.value, u % 1000 + 0.5);
  }
}

TEST_F(LoadTriples, TooFewFieldsNamesPathAndLine) {
  EXPECT_EQ(error_of("0 1 2.0\n# c\n3 4\n"),
            bad_path() + ":3: too few fields: expected 3 (2 keys and a value), found 2");
}

TEST_F(LoadTriples, TooManyFieldsNamesPathAndLine) {
  EXPECT_EQ(error_of("0 1 2.0 9\n"),
            bad_path() + ":1: too many fields: expected 3 (2 keys and a value), found 4");
  EXPECT_EQ(error_of("0 1 2.0 # trailing comment\n"),
            bad_path() + ":1: too many fields: expected 3 (2 keys and a value), found 6");
}

TEST_F(LoadTriples, NonIntegerKeyIsAnError) {
  EXPECT_EQ(error_of("0 1 1\nx 1 2.0\n"), bad_path() + ":2: key 0 is not an integer: 'x'");
  EXPECT_EQ(error_of("0 1.5 2.0\n"), bad_path() + ":1: key 1 is not an integer: '1.5'");
  EXPECT_EQ(error_of("0 7x 2.0\n"), bad_path() + ":1: key 1 is not an integer: '7x'");
  EXPECT_EQ(error_of("+3 1 2.0\n"), bad_path() + ":1: key 0 is not an integer: '+3'");
}

TEST_F(LoadTriples, NegativeKeyIsAnError) {
  EXPECT_EQ(error_of("0 -4 2.0\n"), bad_path() + ":1: key 1 is negative: '-4'");
}

TEST_F(LoadTriples, KeyBeyondInt64IsAnError) {
  EXPECT_EQ(error_of("99999999999999999999 0 1\n"),
            bad_path() +
                ":1: key 0 is out of range: '99999999999999999999' (the largest key is 2^31 - 1 = "
                "2147483647; weft::LoadOptions::max_key sets it)");
}

TEST_F(LoadTriples, BadValueIsAnError) {
  EXPECT_EQ(error_of("0 1 abc\n"), bad_path() + ":1: value is not a number: 'abc'");
  EXPECT_EQ(error_of("0 1 -\n"), bad_path() + ":1: value is not a number: '-'");
}

TEST_F(LoadTriples, TrailingGarbageAfterValueIsAnError) {
  EXPECT_EQ(error_of("0 1 3.5x\n"), bad_path() + ":1: value has trailing characters: '3.5x'");
  EXPECT_EQ(error_of("0 1 3.5,\n"), bad_path() + ":1: value has trailing characters: '3.5,'");
}

TEST_F(LoadTriples, NonFiniteOrOutOfRangeValueIsAnError) {
  EXPECT_EQ(error_of("0 1 nan\n"), bad_path() + ":1: value is not finite: 'nan'");
  EXPECT_EQ(error_of("0 1 -inf\n"), bad_path() + ":1: value is not finite: '-inf'");
  EXPECT_EQ(error_of("0 1 1e50\n"), bad_path() + ":1: value is out of range: '1e50'");
}

TEST_F(LoadTriples, IntegralValueMustBeAnInteger) {
  const std::string path = write("int.txt", "0 2.5\n");
  try {
    weft::load_triples<int, 1>(path);
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_EQ(std::string(e.what()), path + ":1: value is not an integer: '2.5'");
  }
}

TEST_F(LoadTriples, UnprintableBytesAreEscapedAndLongTokensCut) {
  EXPECT_EQ(error_of(std::string("0 1 \x01\xff\n")),
            bad_path() + ":1: value is not a number: '\\x01\\xff'");
  EXPECT_EQ(error_of("0 1 " + std::string(60, 'z') + "\n"),
            bad_path() + ":1: value is not a number: '" + std::string(40, 'z') + "...'");
}

TEST_F(LoadTriples, OverlongLineIsAnError) {
  const std::string line(weft::detail::LineReader::kMaxLineBytes + 10, '1');
  EXPECT_EQ(error_of("0 1 2\n" + line), bad_path() + ":2: line longer than 1048576 bytes");
}

TEST_F(LoadTriples, DuplicateKeyNamesBothLines) {
  EXPECT_EQ(error_of("0 1 1\n5 5 2\n0 2 3\n\n5 5 4\n0 1 5\n"),
            bad_path() + ":5: duplicate key (5, 5), first on line 2");
}

TEST_F(LoadTriples, MissingFileIsAnError) {
  const std::string path = (dir_ / "no_such_file.txt").string();
  try {
    weft::load_triples<float, 2>(path);
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_EQ(std::string(e.what()), path + ": cannot open: No such file or directory");
  }
}

TEST_F(LoadTriples, DirectoryIsAnError) {
  try {
    weft::load_triples<float, 2>(dir_.string());
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_EQ(std::string(e.what()), dir_.string() + ": cannot read: Is a directory");
  }
}

// The strtold path is what standard libraries without floating-point from_chars use.
TEST(ParseFloatingWithStrtod, AgreesWithFromCharsOnOrdinaryNumbers) {
  for (const std::string s : {"3.5", "-0.01", "1e-3", ".25", "7", "123456.789e-2"}) {
    float a = 0, b = 0;
    const auto ra = weft::detail::parse_floating_with_strtod(s.data(), s.data() + s.size(), a);
    const auto rb = std::from_chars(s.data(), s.data() + s.size(), b);
    EXPECT_EQ(ra.ec, std::errc()) << s;
    EXPECT_EQ(ra.ptr, s.data() + s.size()) << s;
    EXPECT_EQ(rb.ec, std::errc()) << s;
    EXPECT_EQ(a, b) << s;
  }
}

TEST(ParseFloatingWithStrtod, ReportsGarbageAndOverflow) {
  float v = 0;
  const std::string garbage = "abc", partial = "2.5x", huge = "1e50";
  EXPECT_EQ(weft::detail::parse_floating_with_strtod(garbage.data(), garbage.data() + 3, v).ec,
            std::errc::invalid_argument);
  EXPECT_EQ(weft::detail::parse_floating_with_strtod(partial.data(), partial.data() + 4, v).ptr,
            partial.data() + 3);
  EXPECT_EQ(weft::detail::parse_floating_with_strtod(huge.data(), huge.data() + 4, v).ec,
            std::errc::result_out_of_range);
}

} // namespace

// find_duplicate_key against a std::map over the same entries: the first repeated entry
// in order (smallest j) and its earlier twin, for sizes within one bucket and over many,
// with no repeat, a repeat planted near the end, and repeats in several buckets.
TEST(FindDuplicateKey, FirstRepeatEqualsAReferenceOverOneAndManyBuckets) {
  using E = weft::Entry<float, 2>;
  const auto reference =
      [](const std::vector<E> &entries) -> std::optional<std::pair<std::size_t, std::size_t>> {
    std::map<Key2, std::size_t> seen;
    for (std::size_t j = 0; j < entries.size(); ++j) {
      const auto [it, fresh] = seen.emplace(entries[j].key, j);
      if (!fresh)
        return std::make_pair(it->second, j);
    }
    return std::nullopt;
  };
  std::uint64_t counter = 0;
  const auto next = [&counter] { return weft::detail::splitmix64_at(7, counter++); };
  for (const std::size_t n :
       {std::size_t{1}, std::size_t{100}, std::size_t{40000}, std::size_t{300000}}) {
    // Distinct keys: (row, column) from a counter, scrambled so that rows repeat.
    std::vector<E> entries(n);
    for (std::size_t j = 0; j < n; ++j) {
      entries[j].key = {static_cast<std::int64_t>(j % 977), static_cast<std::int64_t>(j / 977)};
      entries[j].value = 1.0f;
    }
    for (std::size_t j = n; j > 1; --j)
      std::swap(entries[j - 1], entries[next() % j]);
    EXPECT_EQ(weft::detail::find_duplicate_key(entries), std::nullopt) << "n = " << n;
    if (n < 2)
      continue;
    for (int trial = 0; trial < 5; ++trial) {
      std::vector<E> copy = entries;
      const int repeats = trial == 0 ? 1 : 1 + static_cast<int>(next() % 20);
      for (int r = 0; r < repeats; ++r) {
        const std::size_t j = 1 + next() % (n - 1);
        copy[j].key = copy[next() % j].key;
      }
      EXPECT_EQ(weft::detail::find_duplicate_key(copy), reference(copy))
          << "n = " << n << ", trial " << trial;
    }
  }
}
