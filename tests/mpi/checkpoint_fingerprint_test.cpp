// The fingerprint a checkpoint keeps of what a loop iterates over (checkpoint.h): the
// same entries give the same fingerprint whether every process holds them all or each
// a slice (so a restart on another number of processes compares alike), and a changed
// value, key or order changes it.
#include <gtest/gtest.h>
#include <weft/rt/checkpoint.h>
#include <weft/rt/loop.h>
#include <weft/rt/sparse.h>

#include <string>

#include "mpi_test_session.h"

namespace {

using weft_test::session;
using weft_test::write_shared_file;

std::string ratings_text(int n, int changed_line = -1) {
  std::string text;
  for (int k = 0; k < n; ++k) {
    const int value = k % 5 + (k == changed_line ? 1 : 0);
    text += std::to_string(k % 97) + " " + std::to_string((k * 7) % 31) + " " +
            std::to_string(value) + ".5\n";
  }
  return text;
}

TEST(CheckpointFingerprint, SlicedEntriesGiveTheWholeArraysFingerprint) {
  const std::string path = write_shared_file("fingerprint.txt", ratings_text(3000));
  const weft::SparseArray<float, 2> whole = weft::load_triples<float, 2>(path);
  const weft::SparseArray<float, 2> sliced = weft::rt::load_triples<float, 2>(session(), path);
  const weft::rt::SpaceFingerprint a = weft::rt::space_fingerprint(session(), whole);
  const weft::rt::SpaceFingerprint b = weft::rt::space_fingerprint(session(), sliced);
  EXPECT_EQ(a, b) << a.describe() << " / " << b.describe();
  EXPECT_EQ(a.count, 3000);
  EXPECT_EQ(a.bounds, (std::vector<std::int64_t>{97, 31}));
  // Cached per array and version: asking again gives the same.
  EXPECT_EQ(weft::rt::space_fingerprint(session(), sliced), b);
}

TEST(CheckpointFingerprint, AnotherValueKeyOrOrderChangesIt) {
  const weft::SparseArray<float, 2> base =
      weft::load_triples<float, 2>(write_shared_file("base.txt", ratings_text(500)));
  const weft::SparseArray<float, 2> value =
      weft::load_triples<float, 2>(write_shared_file("value.txt", ratings_text(500, 250)));
  weft::SparseArray<float, 2> swapped(base.entries());
  std::swap(weft::detail::RuntimeAccess::entries(swapped)[3],
            weft::detail::RuntimeAccess::entries(swapped)[4]);
  const auto f = weft::rt::space_fingerprint(session(), base);
  EXPECT_NE(weft::rt::space_fingerprint(session(), value), f);
  EXPECT_NE(weft::rt::space_fingerprint(session(), swapped), f);
  EXPECT_EQ(weft::rt::space_fingerprint(session(), value).count, f.count);
  EXPECT_NE(f.describe().find("500 entries, key extents (97, 31), checksum "), std::string::npos)
      << f.describe();
}

TEST(CheckpointFingerprint, RangesAreTheirBounds) {
  const auto r = weft::rt::space_fingerprint(session(), weft::rt::IndexRange{2, 10});
  EXPECT_EQ(r.describe(), "iterations [2, 10)");
  EXPECT_NE(r, weft::rt::space_fingerprint(session(), weft::rt::IndexRange{2, 11}));
}

} // namespace
