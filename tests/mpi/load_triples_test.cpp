// rt::load_triples: every process reads its share of the file; the slices are the file's
// entries in order; errors are weft::load_triples' errors, on every process.
#include <gtest/gtest.h>
#include <weft/rt/partition_1d.h>
#include <weft/rt/sparse.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "mpi_test_session.h"

namespace {

using weft_test::session;
using weft_test::write_shared_file;

std::string ratings_text(int lines) {
  std::string text = "# user item rating\n";
  for (int n = 0; n < lines; ++n) {
    if (n % 97 == 5)
      text += "\n";
    if (n % 89 == 3)
      text += "  # a comment\n";
    text +=
        std::to_string(n % 37) + " " + std::to_string(n) + "\t" + std::to_string(0.5 * n) + "\n";
  }
  return text;
}

std::string serial_error(const std::string &path) {
  try {
    (void)weft::load_triples<float, 2>(path);
  } catch (const weft::Error &e) {
    return e.what();
  }
  return "no error";
}

std::string parallel_error(const std::string &path) {
  try {
    (void)weft::rt::load_triples<float, 2>(session(), path);
  } catch (const weft::Error &e) {
    return e.what();
  }
  return "no error";
}

TEST(LoadTriples, SlicesAreTheFilesEntriesInOrder) {
  const std::string path = write_shared_file("ratings.txt", ratings_text(2000));
  const weft::SparseArray<float, 2> serial = weft::load_triples<float, 2>(path);
  const weft::SparseArray<float, 2> parallel = weft::rt::load_triples<float, 2>(session(), path);
  std::int64_t local =
      static_cast<std::int64_t>(weft::detail::RuntimeAccess::entries(parallel).size());
  if (session().size() > 1) {
    EXPECT_LT(local, 2000);
  }
  session().transport().allreduce_sum(&local, 1);
  EXPECT_EQ(local, 2000);
  // Serial access: the whole array, in the file's order.
  ASSERT_EQ(parallel.size(), serial.size());
  for (std::int64_t n = 0; n < serial.size(); ++n) {
    EXPECT_EQ(parallel.entries()[n].key, serial.entries()[n].key);
    EXPECT_EQ(parallel.entries()[n].value, serial.entries()[n].value);
  }
}

TEST(LoadTriples, AFileWithFewerLinesThanProcesses) {
  const std::string path = write_shared_file("short.txt", "1 2 3.5\n4 5 6\n");
  const weft::SparseArray<float, 2> a = weft::rt::load_triples<float, 2>(session(), path);
  ASSERT_EQ(a.size(), 2);
  EXPECT_EQ(a.entries()[1].key[1], 5);
}

TEST(LoadTriples, AnEmptyFileIsAnErrorUnlessAllowed) {
  for (const char *text : {"", "# only a comment\n\n"}) {
    const std::string empty = write_shared_file("empty.txt", text);
    EXPECT_EQ(parallel_error(empty), serial_error(empty));
    EXPECT_EQ(parallel_error(empty),
              empty + ": no entries (an empty file; a weft::LoadOptions with allow_empty = "
                      "true accepts one)");
    weft::LoadOptions allow;
    allow.allow_empty = true;
    EXPECT_EQ((weft::rt::load_triples<float, 2>(session(), empty, allow).size()), 0);
    EXPECT_EQ((weft::load_triples<float, 2>(empty, allow).size()), 0);
  }
}

TEST(LoadTriples, ALastLineCutShortAndAKeyAboveTheLimitAreTheSerialLoadersErrors) {
  const std::string good = ratings_text(500);
  for (const auto &[name, text] : std::vector<std::pair<std::string, std::string>>{
           {"cut.txt", good + "3 4 2."},
           {"cut_key.txt", good + "3"},
           {"big_key.txt", good + "2147483648 4 1.0\n"},
           {"big_key_early.txt", "7 4294967296 1.0\n" + good}}) {
    const std::string path = write_shared_file(name, text);
    const std::string expected = serial_error(path);
    EXPECT_TRUE(expected.find("the last line does not end with a newline") != std::string::npos ||
                expected.find("is out of range") != std::string::npos)
        << expected;
    EXPECT_EQ(parallel_error(path), expected) << name;
  }
}

// Each process names its own file (as a program started with per-process arguments
// would): the loaders check that every process read the same.
TEST(LoadTriples, ProcessesThatReadOtherFilesAreAnErrorNamingTheDifference) {
  if (session().size() == 1)
    return;
  const std::string good = ratings_text(400);
  const int last = session().size() - 1;
  const std::string mine =
      weft_test::shared_temp_dir() + "/mine_" + std::to_string(session().rank()) + ".txt";
  std::ofstream(mine, std::ios::binary)
      << (session().rank() == last ? good + "36 100000 1.0\n" : good);
  session().transport().barrier(); // every file is written before any is read
  const std::string prefix = mine.substr(0, mine.rfind('_')) + "_" + std::to_string(last) +
                             ".txt: rank " + std::to_string(last);
  const std::string whole = serial_error(mine);
  EXPECT_EQ(whole.rfind(prefix + " read other data than rank 0 (which read ", 0), 0u) << whole;
  EXPECT_NE(whole.find(": 401 entries instead of 400; every process must read the same input"),
            std::string::npos)
      << whole;
  const std::string sliced = parallel_error(mine);
  EXPECT_EQ(sliced.rfind(prefix + " sees another file than rank 0: ", 0), 0u) << sliced;
}

TEST(LoadTriples, ErrorsAreTheSerialLoadersOnEveryProcess) {
  const std::string good = ratings_text(500);
  const std::size_t middle = good.find('\n', good.size() / 2) + 1;
  const std::size_t late = good.find('\n', good.size() * 9 / 10) + 1;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"bad_first_line.txt", "1 2\n" + good},
      {"bad_middle.txt", good.substr(0, middle) + "7 x 1.0\n" + good.substr(middle)},
      {"bad_late.txt", good.substr(0, late) + "7 8 1.0 9\n" + good.substr(late)},
      {"bad_value.txt", good + "3 4 inf\n"},
      {"negative_key.txt", good.substr(0, middle) + "-3 4 1\n" + good.substr(middle)},
      {"duplicate_far_apart.txt", "0 9999 1.0\n" + good + "0 9999 2.0\n"},
      {"duplicate_close.txt", good.substr(0, middle) + "5 5 1\n5 5 2\n" + good.substr(middle)},
  };
  for (const auto &[name, text] : files) {
    const std::string path = write_shared_file(name, text);
    const std::string expected = serial_error(path);
    EXPECT_NE(expected, "no error") << name;
    EXPECT_EQ(parallel_error(path), expected) << name;
  }
  const std::string missing = weft_test::shared_temp_dir() + "/no-such-file.txt";
  EXPECT_EQ(parallel_error(missing), serial_error(missing));
}

TEST(LoadTriples, GatherToRootGivesTheWholeArrayToOneProcess) {
  const std::string path = write_shared_file("gather.txt", ratings_text(300));
  const weft::SparseArray<float, 2> a = weft::rt::load_triples<float, 2>(session(), path);
  const auto root = weft::rt::gather_to_root(session(), a, 0);
  EXPECT_EQ(root.has_value(), session().rank() == 0);
  if (root) {
    ASSERT_EQ(root->size(), 300);
    EXPECT_EQ(root->entries()[299].key[1], 299);
  }
}

TEST(LoadTriples, ExecutorsTakeSlicedEntriesAsTheyWouldWholeOnes) {
  const std::string path = write_shared_file("loop.txt", ratings_text(1500));
  const weft::SparseArray<float, 2> sliced = weft::rt::load_triples<float, 2>(session(), path);
  const weft::SparseArray<float, 2> whole = weft::load_triples<float, 2>(path);
  weft::DistArray<double, 1> a({37}), b({37});
  const auto run = [&](const weft::SparseArray<float, 2> &R, weft::DistArray<double, 1> &out) {
    weft::rt::partition_1d(
        session(), R, 0, weft::rt::Footprint().write(out, 0),
        [&](const weft::Entry<float, 2> &e) { out(e.key[0]) = out(e.key[0]) * 0.5 + e.value; });
  };
  run(sliced, a);
  run(whole, b);
  for (int u = 0; u < 37; ++u)
    EXPECT_EQ(a(u), b(u)) << u;
}

} // namespace
