// Pointers that escape (docs/design.md, "Memory model"): a pointer to a DistArray's
// storage taken with data() before a parallel loop, and handed after the loop to a
// system call or a foreign library, sees the whole array with the loop's values (never a
// protected page: write(2) would fail with EFAULT, fwrite would write nothing), and what
// a system call writes through it (read(2)) is what serial code and the next parallel
// loop see, on every process. Each process writes and reads its own files, so that the
// processes do not race on one file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <weft/rt/data_parallel.h>
#include <weft/rt/partition_1d.h>
#include <weft/rt/rotation_2d.h>
#include <weft/rt/wavefront.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "mpi_test_session.h"

namespace {

using weft_test::session;

// Made before main(), so its pointer escapes before the Session exists.
weft::DistArray<float, 2> made_before_the_session({512, 16});
float *const taken_before_the_session = made_before_the_session.data();

bool pending(const weft::DistArray<float, 2> &a) {
  return weft::detail::RuntimeAccess::residency(a).pending != nullptr;
}

// A file of this process in the job's temporary directory.
std::string own_file(const std::string &name) {
  return weft_test::shared_temp_dir() + "/" + name + ".rank" + std::to_string(session().rank());
}

std::string file_bytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

template <class T> std::string bytes_of(const std::vector<T> &v) {
  return std::string(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(T));
}

// fwrite(p, sizeof(T), count) into a new file of this process; the number of elements
// fwrite reports written.
template <class T> std::size_t fwrite_to(const std::string &path, const T *p, std::int64_t count) {
  std::FILE *f = std::fopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr) << path << ": " << std::strerror(errno);
  if (f == nullptr)
    return 0;
  const std::size_t written = std::fwrite(p, sizeof(T), static_cast<std::size_t>(count), f);
  std::fclose(f);
  return written;
}

// write(2) of `bytes` bytes at p into a new file of this process; write's result, and
// errno in `error` when it fails.
ssize_t write_to(const std::string &path, const void *p, std::size_t bytes, int &error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  EXPECT_GE(fd, 0) << path << ": " << std::strerror(errno);
  if (fd < 0)
    return -1;
  const ssize_t n = ::write(fd, p, bytes);
  error = n < 0 ? errno : 0;
  ::close(fd);
  return n;
}

// read(2) of `bytes` bytes from `path` into p; read's result, and errno in `error`.
ssize_t read_from(const std::string &path, void *p, std::size_t bytes, int &error) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  EXPECT_GE(fd, 0) << path << ": " << std::strerror(errno);
  if (fd < 0)
    return -1;
  const ssize_t n = ::read(fd, p, bytes);
  error = n < 0 ? errno : 0;
  ::close(fd);
  return n;
}

// Rows u in [0, n) with 1 + u % 5 entries each, unique keys.
weft::SparseArray<float, 2> rows_with_entries(int n, int cols) {
  weft::SparseArray<float, 2> a;
  for (int u = 0; u < n; ++u) {
    for (int j = 0; j <= u % 5; ++j)
      a.add({u, (u * 13 + j * 17) % cols}, 1.0f);
  }
  return a;
}

constexpr std::int64_t kRows = 1024;
constexpr int K = 16;
// Values of element (i, k) that no loop below computes: what the test files hold.
float file_value(std::int64_t i, int k) { return static_cast<float>(i * K + k) + 0.5f; }

TEST(EscapedPointer, FwriteThroughAPointerTakenBeforeADenseLoopWritesTheLoopsValues) {
  weft::DistArray<float, 2> W({kRows, K});
  float *const p = W.data();
  weft::rt::data_parallel(session(), weft::rt::IndexRange{0, kRows},
                          weft::rt::Footprint().write(W, 0), [&](std::int64_t i) {
                            for (int k = 0; k < K; ++k)
                              W(i, k) = static_cast<float>(3 * i + k);
                          });
  std::vector<float> serial(static_cast<std::size_t>(kRows * K));
  for (std::int64_t i = 0; i < kRows; ++i) {
    for (int k = 0; k < K; ++k)
      serial[static_cast<std::size_t>(i * K + k)] = static_cast<float>(3 * i + k);
  }
  const std::string path = own_file("dense");
  EXPECT_EQ(fwrite_to(path, p, W.size()), static_cast<std::size_t>(W.size()));
  EXPECT_TRUE(file_bytes(path) == bytes_of(serial))
      << "the file differs from the serial loop's array";
}

TEST(EscapedPointer, WriteThroughPointersTakenBeforeARotationDoesNotFailWithEfault) {
  const weft::SparseArray<float, 2> R = rows_with_entries(300, 200);
  weft::DistArray<float, 2> W({300, K}), H({200, K});
  const float *const w = W.data();
  const float *const h = H.data();
  weft::rt::rotation_2d(session(), R, 0, 1, weft::rt::Footprint().write(W, 0).write(H, 1),
                        [&](const weft::Entry<float, 2> &e) {
                          for (int k = 0; k < K; ++k) {
                            W(e.key[0], k) += e.value;
                            H(e.key[1], k) += e.value;
                          }
                        });
  // Serially: W(u, k) counts the entries of row u, H(i, k) those of column i.
  std::vector<float> serial_w(300 * K, 0.0f), serial_h(200 * K, 0.0f);
  for (const auto &e : R) {
    for (int k = 0; k < K; ++k) {
      serial_w[static_cast<std::size_t>(e.key[0] * K + k)] += e.value;
      serial_h[static_cast<std::size_t>(e.key[1] * K + k)] += e.value;
    }
  }
  int error = 0;
  const std::string w_path = own_file("rotation_w"), h_path = own_file("rotation_h");
  EXPECT_EQ(write_to(w_path, w, sizeof(float) * serial_w.size(), error),
            static_cast<ssize_t>(sizeof(float) * serial_w.size()))
      << std::strerror(error);
  EXPECT_NE(error, EFAULT);
  EXPECT_EQ(write_to(h_path, h, sizeof(float) * serial_h.size(), error),
            static_cast<ssize_t>(sizeof(float) * serial_h.size()))
      << std::strerror(error);
  EXPECT_NE(error, EFAULT);
  EXPECT_TRUE(file_bytes(w_path) == bytes_of(serial_w)) << "W differs from the serial loop's";
  EXPECT_TRUE(file_bytes(h_path) == bytes_of(serial_h)) << "H differs from the serial loop's";
}

TEST(EscapedPointer, FwriteThroughAPointerTakenBeforeAWavefrontWritesTheWholeTable) {
  // The wavefront partitions columns: each process owns a block of every row.
  const std::int64_t n = 300, m = 256;
  const auto fill_border = [&](weft::DistArray<std::int32_t, 2> &D) {
    for (std::int64_t i = 0; i <= n; ++i)
      D(i, 0) = static_cast<std::int32_t>(i);
    for (std::int64_t j = 0; j <= m; ++j)
      D(0, j) = static_cast<std::int32_t>(2 * j);
  };
  const auto cell = [](weft::DistArray<std::int32_t, 2> &D, std::int64_t i, std::int64_t j) {
    D(i, j) = std::min(D(i - 1, j) + 1, D(i, j - 1) + static_cast<std::int32_t>((i * j) % 3));
  };
  weft::DistArray<std::int32_t, 2> serial({n + 1, m + 1}), D({n + 1, m + 1});
  fill_border(serial);
  for (std::int64_t i = 1; i <= n; ++i) {
    for (std::int64_t j = 1; j <= m; ++j)
      cell(serial, i, j);
  }
  const std::int32_t *const p = D.data();
  fill_border(D);
  weft::rt::wavefront(session(), weft::rt::Wavefront{{1, n + 1}, {1, m + 1}},
                      weft::rt::Footprint().write(D, 0),
                      [&](std::int64_t i, std::int64_t j) { cell(D, i, j); });
  const std::string path = own_file("wavefront");
  EXPECT_EQ(fwrite_to(path, p, D.size()), static_cast<std::size_t>(D.size()));
  const std::string expected(reinterpret_cast<const char *>(serial.data()),
                             sizeof(std::int32_t) * serial.size());
  EXPECT_TRUE(file_bytes(path) == expected) << "the file differs from the serial loop nest's table";
}

TEST(EscapedPointer, ReadIntoAPointerTakenBeforeALoopIsWhatSerialCodeSeesAfterIt) {
  const weft::SparseArray<float, 2> R = rows_with_entries(static_cast<int>(kRows), 64);
  std::vector<float> contents(static_cast<std::size_t>(kRows * K));
  for (std::int64_t i = 0; i < kRows; ++i) {
    for (int k = 0; k < K; ++k)
      contents[static_cast<std::size_t>(i * K + k)] = file_value(i, k);
  }
  const std::string input = weft_test::write_shared_file("read_serial", bytes_of(contents));
  weft::DistArray<float, 2> W({kRows, K});
  float *const p = W.data();
  weft::rt::partition_1d(session(), R, 0, weft::rt::Footprint().write(W, 0),
                         [&](const weft::Entry<float, 2> &e) {
                           for (int k = 0; k < K; ++k)
                             W(e.key[0], k) += e.value;
                         });
  int error = 0;
  const std::size_t bytes = sizeof(float) * contents.size();
  EXPECT_EQ(read_from(input, p, bytes, error), static_cast<ssize_t>(bytes)) << std::strerror(error);
  EXPECT_NE(error, EFAULT);
  std::int64_t wrong = 0;
  for (std::int64_t i = 0; i < kRows; ++i) {
    for (int k = 0; k < K; ++k)
      wrong += W(i, k) != file_value(i, k);
  }
  EXPECT_EQ(wrong, 0) << "elements that differ from what read(2) put there";
}

TEST(EscapedPointer, ReadIntoAPointerBetweenTwoLoopsIsWhatTheSecondLoopSeesOnEveryProcess) {
  const weft::SparseArray<float, 2> R = rows_with_entries(static_cast<int>(kRows), 64);
  std::vector<float> contents(static_cast<std::size_t>(kRows * K));
  for (std::int64_t i = 0; i < kRows; ++i) {
    for (int k = 0; k < K; ++k)
      contents[static_cast<std::size_t>(i * K + k)] = file_value(i, k);
  }
  const std::string input = weft_test::write_shared_file("read_between_loops", bytes_of(contents));
  weft::DistArray<float, 2> W({kRows, K});
  float *const p = W.data();
  const auto add_entries = [&] {
    weft::rt::partition_1d(session(), R, 0, weft::rt::Footprint().write(W, 0),
                           [&](const weft::Entry<float, 2> &e) {
                             for (int k = 0; k < K; ++k)
                               W(e.key[0], k) += e.value;
                           });
  };
  add_entries();
  int error = 0;
  const std::size_t bytes = sizeof(float) * contents.size();
  EXPECT_EQ(read_from(input, p, bytes, error), static_cast<ssize_t>(bytes)) << std::strerror(error);
  // No serial access in between: a loop that reads W by columns (each process reads
  // rows of every other process's part) and one that writes it again.
  weft::DistArray<double, 1> column_sums({64});
  weft::rt::partition_1d(
      session(), R, 1, weft::rt::Footprint().write(column_sums, 1).read(W, 0),
      [&](const weft::Entry<float, 2> &e) { column_sums(e.key[1]) += W(e.key[0], 3); });
  weft::Accumulator<double> total(0.0);
  weft::rt::data_parallel(session(), R, weft::rt::Footprint().read(W, 0).reduce(total),
                          [&](const weft::Entry<float, 2> &e) { total += W(e.key[0], 5); });
  add_entries();
  std::vector<double> serial_sums(64, 0.0);
  double serial_total = 0.0;
  std::vector<float> serial_w(contents);
  for (const auto &e : R) {
    serial_sums[static_cast<std::size_t>(e.key[1])] += file_value(e.key[0], 3);
    serial_total += file_value(e.key[0], 5);
    for (int k = 0; k < K; ++k)
      serial_w[static_cast<std::size_t>(e.key[0] * K + k)] += e.value;
  }
  std::int64_t wrong_sums = 0;
  for (int c = 0; c < 64; ++c)
    wrong_sums += column_sums(c) != serial_sums[static_cast<std::size_t>(c)];
  EXPECT_EQ(wrong_sums, 0) << "column sums of the loop that read W after read(2)";
  EXPECT_EQ(total.value(), serial_total);
  const std::string path = own_file("after_read");
  EXPECT_EQ(fwrite_to(path, p, W.size()), static_cast<std::size_t>(W.size()));
  EXPECT_TRUE(file_bytes(path) == bytes_of(serial_w))
      << "W after read(2) and a loop that adds to it";
}

TEST(EscapedPointer, APointerTakenBeforeTheSessionExistedSeesTheLoopsValues) {
  weft::DistArray<float, 2> &A = made_before_the_session;
  weft::rt::data_parallel(session(), weft::rt::IndexRange{0, 512},
                          weft::rt::Footprint().write(A, 0), [&](std::int64_t i) {
                            for (int k = 0; k < 16; ++k)
                              A(i, k) = static_cast<float>(i - k);
                          });
  std::vector<float> serial(512 * 16);
  for (int i = 0; i < 512; ++i) {
    for (int k = 0; k < 16; ++k)
      serial[static_cast<std::size_t>(i * 16 + k)] = static_cast<float>(i - k);
  }
  int error = 0;
  const std::string path = own_file("before_session");
  EXPECT_EQ(write_to(path, taken_before_the_session, sizeof(float) * serial.size(), error),
            static_cast<ssize_t>(sizeof(float) * serial.size()))
      << std::strerror(error);
  EXPECT_TRUE(file_bytes(path) == bytes_of(serial));
}

TEST(EscapedPointer, APointerTakenBetweenTwoLoopsSeesTheSecondLoopsValues) {
  weft::DistArray<float, 2> W({kRows, K});
  const auto assign = [&](float offset) {
    weft::rt::data_parallel(session(), weft::rt::IndexRange{0, kRows},
                            weft::rt::Footprint().write(W, 0), [&](std::int64_t i) {
                              for (int k = 0; k < K; ++k)
                                W(i, k) = static_cast<float>(i + k) + offset;
                            });
  };
  assign(0.0f); // no pointer has escaped yet: W is left partitioned
  const float *const p = W.data();
  assign(7.0f);
  std::vector<float> serial(static_cast<std::size_t>(kRows * K));
  for (std::int64_t i = 0; i < kRows; ++i) {
    for (int k = 0; k < K; ++k)
      serial[static_cast<std::size_t>(i * K + k)] = static_cast<float>(i + k) + 7.0f;
  }
  int error = 0;
  const std::string path = own_file("between_loops");
  EXPECT_EQ(write_to(path, p, sizeof(float) * serial.size(), error),
            static_cast<ssize_t>(sizeof(float) * serial.size()))
      << std::strerror(error);
  EXPECT_TRUE(file_bytes(path) == bytes_of(serial));
}

TEST(EscapedPointer, OnlyTheArrayWhosePointerEscapedIsMadeWholeAtTheLoopsEnd) {
  weft::DistArray<float, 2> escaped({kRows, K}), kept({kRows, K});
  const float *const p = escaped.data();
  weft::rt::data_parallel(session(), weft::rt::IndexRange{0, kRows},
                          weft::rt::Footprint().write(escaped, 0).write(kept, 0),
                          [&](std::int64_t i) {
                            escaped(i, 0) = static_cast<float>(i);
                            kept(i, 0) = static_cast<float>(i);
                          });
  EXPECT_FALSE(pending(escaped));
  // The other array keeps lazy materialization (unless --weft-materialize=eager).
  EXPECT_EQ(pending(kept), session().options().lazy_materialize);
  EXPECT_EQ(p[(kRows - 1) * K], static_cast<float>(kRows - 1));
  EXPECT_EQ(kept(kRows - 1, 0), static_cast<float>(kRows - 1));
}

// An entry reference taken with a mutable begin() before the loops and written between
// them: the executors' plans hold their own copy of the entries, made for one version,
// and such a write changes no count, so each loop must check the entries themselves.
template <class Loop> void entry_reference_kept_across_loops(Loop loop) {
  std::vector<weft::Entry<double, 2>> entries;
  for (std::int64_t u = 0; u < kRows; ++u)
    entries.push_back({{u, (u * 7) % kRows}, static_cast<double>(u % 5)});
  weft::SparseArray<double, 2> R(std::move(entries));
  weft::DistArray<double, 2> W({kRows, K});
  auto &first = *R.begin(); // entry 0: key (0, 0), value 0, the only one of row 0
  for (int epoch = 0; epoch < 3; ++epoch) {
    loop(R, W);
    first.value += 10.0;
  }
  EXPECT_EQ(W(0, 0), 0.0 + 10.0 + 20.0); // the value each loop saw
  EXPECT_EQ(W(kRows - 1, 0), 3.0 * static_cast<double>((kRows - 1) % 5));
}

TEST(EscapedEntry, AnEntryReferenceWrittenBetweenPartitionedLoopsIsSeenByTheNextLoop) {
  entry_reference_kept_across_loops(
      [](const weft::SparseArray<double, 2> &R, weft::DistArray<double, 2> &W) {
        weft::rt::partition_1d(session(), R, 0, weft::rt::Footprint().write(W, 0),
                               [&](const weft::Entry<double, 2> &e) { W(e.key[0], 0) += e.value; });
      });
}

TEST(EscapedEntry, AnEntryReferenceWrittenBetweenRotationsIsSeenByTheNextRotation) {
  entry_reference_kept_across_loops(
      [](const weft::SparseArray<double, 2> &R, weft::DistArray<double, 2> &W) {
        weft::DistArray<double, 2> H({kRows, K});
        weft::rt::rotation_2d(session(), R, 0, 1, weft::rt::Footprint().write(W, 0).write(H, 1),
                              [&](const weft::Entry<double, 2> &e) {
                                W(e.key[0], 0) += e.value;
                                H(e.key[1], 0) += 1.0;
                              });
      });
}

} // namespace
