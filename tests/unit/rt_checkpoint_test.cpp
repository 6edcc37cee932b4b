// Checkpoint with one process: the newest complete checkpoint comes back, partitioned
// arrays included; a damaged or incomplete newer one is skipped.
#include <gtest/gtest.h>
#include <weft/rt/checkpoint.h>
#include <weft/rt/partition_1d.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "rt_test_session.h"

namespace {

namespace fs = std::filesystem;

std::string fresh_dir(const std::string &name) {
  const std::string dir = (fs::temp_directory_path() / ("weft-rt-checkpoint-" + name)).string();
  fs::remove_all(dir);
  return dir;
}

void set_rows(weft::DistArray<double, 2> &A, double base) {
  weft::rt::partition_1d(weft_test::session(), weft::rt::IndexRange{0, A.shape()[0]},
                         weft::rt::Footprint().write(A, 0), [&](std::int64_t i) {
                           for (int k = 0; k < 3; ++k)
                             A(i, k) = base + static_cast<double>(i * 3 + k);
                         });
}

TEST(RtCheckpoint, TheNewestCompleteCheckpointComesBack) {
  const std::string dir = fresh_dir("roundtrip");
  weft::DistArray<double, 2> A({100, 3});
  weft::DistArray<int, 1> B({7});
  std::uint64_t value = 0;
  weft::rt::Checkpoint writer(weft_test::session(), "job", dir);
  writer.track(A).track(B).track_value(value);
  for (int epoch = 0; epoch < 5; ++epoch) {
    set_rows(A, 1000.0 * epoch); // partitioned when written
    B(epoch) = epoch + 1;
    value = 77 + epoch;
    writer.write(epoch);
  }
  // Only the two newest are kept.
  EXPECT_FALSE(fs::exists(dir + "/job/epoch-2"));
  EXPECT_TRUE(fs::exists(dir + "/job/epoch-3/manifest.json"));
  EXPECT_TRUE(fs::exists(dir + "/job/epoch-4/manifest.json"));

  weft::DistArray<double, 2> A2({100, 3});
  weft::DistArray<int, 1> B2({7});
  std::uint64_t value2 = 0;
  weft::rt::Checkpoint reader(weft_test::session(), "job", dir);
  reader.track(A2).track(B2).track_value(value2);
  EXPECT_EQ(reader.load_newest(), 5);
  EXPECT_EQ(value2, 81u);
  EXPECT_EQ(A2(99, 2), 4000.0 + 299);
  EXPECT_EQ(B2(4), 5);
  EXPECT_EQ(B2(5), 0);
  fs::remove_all(dir);
}

TEST(RtCheckpoint, ADamagedOrIncompleteNewerCheckpointIsSkipped) {
  const std::string dir = fresh_dir("damaged");
  weft::DistArray<double, 2> A({10, 3});
  weft::rt::Checkpoint c(weft_test::session(), "job", dir);
  c.track(A);
  set_rows(A, 1.0);
  c.write(0);
  set_rows(A, 2.0);
  c.write(1);
  // Epoch 1's data is damaged (its checksum no longer matches); epoch 2 has no manifest.
  {
    std::fstream f(dir + "/job/epoch-1/rank-0.bin",
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(80);
    f.put('X');
  }
  fs::create_directories(dir + "/job/epoch-2");
  std::ofstream(dir + "/job/epoch-2/rank-0.bin") << "half";
  weft::DistArray<double, 2> back({10, 3});
  weft::rt::Checkpoint r(weft_test::session(), "job", dir);
  r.track(back);
  EXPECT_EQ(r.load_newest(), 1);
  EXPECT_EQ(back(9, 2), 1.0 + 29);
  fs::remove_all(dir);
}

TEST(RtCheckpoint, NoCheckpointMeansStartingAtEpochZero) {
  const std::string dir = fresh_dir("none");
  weft::DistArray<double, 2> A({10, 3});
  weft::rt::Checkpoint c(weft_test::session(), "job", dir);
  c.track(A);
  EXPECT_EQ(c.load_newest(), 0);
  EXPECT_EQ(c.resume(), 0); // no --weft-restart
}

TEST(RtCheckpoint, AnUnwritableDirectoryIsAnError) {
  weft::DistArray<double, 2> A({10, 3});
  weft::rt::Checkpoint c(weft_test::session(), "job", "/proc/weft-cannot-write-here");
  c.track(A);
  try {
    c.write(0);
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    // The checkpoint of epoch 0 and what failed.
    EXPECT_NE(std::string(e.what()).find(
                  "weft-cannot-write-here/job/epoch-0: cannot create the directory"),
              std::string::npos)
        << e.what();
  }
}

} // namespace
