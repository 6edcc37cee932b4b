// nn::load_idx_images and nn::load_idx_labels on IDX files the tests write: well-formed ones
// load (plain and gzip-compressed), and each malformed variant is an error with the path,
// the byte offset and what was expected there.
#include <weft/nn.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>
#include <zlib.h>

namespace {

namespace fs = std::filesystem;
namespace nn = weft::nn;
using Bytes = std::vector<unsigned char>;

// An IDX header: magic (0, 0, type, dims) and the sizes, big-endian.
Bytes header(unsigned char type, const std::vector<std::uint32_t> &sizes) {
  Bytes b = {0, 0, type, static_cast<unsigned char>(sizes.size())};
  for (const std::uint32_t s : sizes) {
    b.push_back(static_cast<unsigned char>(s >> 24));
    b.push_back(static_cast<unsigned char>(s >> 16));
    b.push_back(static_cast<unsigned char>(s >> 8));
    b.push_back(static_cast<unsigned char>(s));
  }
  return b;
}

Bytes concat(Bytes a, const Bytes &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// 3 images of 2 x 3 pixels and their 3 labels.
const Bytes kPixels = {0, 255, 51, 102, 153, 204, 1, 2, 3, 4, 5, 6, 255, 255, 255, 0, 0, 0};
const Bytes kImages = concat(header(0x08, {3, 2, 3}), kPixels);
const Bytes kLabels = concat(header(0x08, {3}), {7, 0, 9});

class NnIdx : public ::testing::Test {
protected:
  void SetUp() override {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           ("weft_nn_idx_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string &name, const Bytes &bytes) {
    const fs::path p = dir_ / name;
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char *>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return p.string();
  }

  std::string write_gzip(const std::string &name, const Bytes &bytes) {
    const fs::path p = dir_ / name;
    gzFile file = gzopen(p.string().c_str(), "wb");
    EXPECT_NE(file, nullptr);
    EXPECT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())),
              static_cast<int>(bytes.size()));
    gzclose(file);
    return p.string();
  }

  // The message of the weft::Error that loading `bytes` as images (or labels) throws.
  std::string images_error(const Bytes &bytes) {
    const std::string path = write("bad-images", bytes);
    try {
      nn::load_idx_images(path);
    } catch (const weft::Error &e) {
      return e.what();
    }
    return "no error";
  }
  std::string labels_error(const Bytes &bytes) {
    const std::string path = write("bad-labels", bytes);
    try {
      nn::load_idx_labels(path);
    } catch (const weft::Error &e) {
      return e.what();
    }
    return "no error";
  }
  std::string path(const std::string &name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

void expect_images(const nn::Tensor &images) {
  ASSERT_EQ(images.shape()[0], 3);
  ASSERT_EQ(images.shape()[1], 6);
  for (std::int64_t i = 0; i < 18; ++i)
    EXPECT_EQ(images.data()[i], static_cast<float>(kPixels[static_cast<std::size_t>(i)]) / 255.0f);
  EXPECT_EQ(images(0, 0), 0.0f);
  EXPECT_EQ(images(0, 1), 1.0f);
  EXPECT_FLOAT_EQ(images(0, 2), 0.2f);
}

void expect_labels(const nn::Labels &labels) {
  ASSERT_EQ(labels.shape()[0], 3);
  EXPECT_EQ(labels(0), 7);
  EXPECT_EQ(labels(1), 0);
  EXPECT_EQ(labels(2), 9);
}

TEST_F(NnIdx, LoadsImagesScaledToZeroOneAndLabels) {
  expect_images(nn::load_idx_images(write("images", kImages)));
  expect_labels(nn::load_idx_labels(write("labels", kLabels)));
}

TEST_F(NnIdx, LoadsGzipCompressedFiles) {
  expect_images(nn::load_idx_images(write_gzip("images.gz", kImages)));
  expect_labels(nn::load_idx_labels(write_gzip("labels.gz", kLabels)));
}

TEST_F(NnIdx, LoadsAnEmptySet) {
  const nn::Tensor images = nn::load_idx_images(write("images", header(0x08, {0, 28, 28})));
  EXPECT_EQ(images.shape()[0], 0);
  EXPECT_EQ(images.shape()[1], 784);
}

TEST_F(NnIdx, MissingFileNamesThePath) {
  try {
    nn::load_idx_images(path("absent"));
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_EQ(std::string(e.what()), path("absent") + ": cannot open: No such file or directory");
  }
}

TEST_F(NnIdx, ShortFileLacksTheMagicNumber) {
  EXPECT_EQ(images_error({0, 0}), path("bad-images") +
                                      ": byte 2: expected the 4-byte IDX magic number (0x00 0x00 "
                                      "<type> <dimensions>), found the end of the file");
  EXPECT_EQ(images_error({}), path("bad-images") +
                                  ": byte 0: expected the 4-byte IDX magic number (0x00 0x00 "
                                  "<type> <dimensions>), found the end of the file");
}

TEST_F(NnIdx, BadMagicNumberIsNotAnIdxFile) {
  EXPECT_EQ(images_error(concat({'P', '5', 0x08, 3}, kPixels)),
            path("bad-images") +
                ": byte 0: expected the IDX magic number's two zero bytes, found 0x50 0x35");
}

TEST_F(NnIdx, WrongElementTypeNamesTheTypeFound) {
  Bytes floats = kImages;
  floats[2] = 0x0d;
  EXPECT_EQ(images_error(floats),
            path("bad-images") +
                ": byte 2: expected element type 0x08 (unsigned byte), found 0x0d");
}

TEST_F(NnIdx, LabelsReadAsImagesHaveTheWrongDimensions) {
  EXPECT_EQ(images_error(kLabels), path("bad-images") +
                                       ": byte 3: expected 3 dimensions (images x rows x "
                                       "columns), found 1");
  EXPECT_EQ(labels_error(kImages),
            path("bad-labels") + ": byte 3: expected 1 dimensions (labels), found 3");
}

TEST_F(NnIdx, TruncatedSizesNameTheDimension) {
  const Bytes cut(kImages.begin(), kImages.begin() + 10);
  EXPECT_EQ(images_error(cut), path("bad-images") +
                                   ": byte 8: expected the 4-byte size of dimension 2 of 3, "
                                   "found the end of the file after 2 bytes");
}

TEST_F(NnIdx, TruncatedDataSaysHowManyBytesWereExpected) {
  const Bytes cut(kImages.begin(), kImages.end() - 5);
  EXPECT_EQ(images_error(cut), path("bad-images") +
                                   ": byte 16: expected 18 bytes of pixels, found the end of the "
                                   "file after 13 bytes");
  const Bytes cut_labels(kLabels.begin(), kLabels.end() - 1);
  EXPECT_EQ(labels_error(cut_labels), path("bad-labels") +
                                          ": byte 8: expected 3 bytes of labels, found the end "
                                          "of the file after 2 bytes");
}

TEST_F(NnIdx, TrailingBytesAreAnError) {
  EXPECT_EQ(labels_error(concat(kLabels, {1, 2})),
            path("bad-labels") +
                ": byte 11: expected the end of the file after the labels, found 2 more bytes");
}

TEST_F(NnIdx, ImpossibleSizesAreAnError) {
  EXPECT_EQ(images_error(header(0x08, {0xffffffffu, 0xffffffffu, 0xffffffffu})),
            path("bad-images") + ": byte 8: expected sizes whose product is below 2^40, found "
                                 "4294967295, which makes the product larger");
}

TEST_F(NnIdx, ErrorsInCompressedFilesCountDecompressedBytes) {
  const std::string p = write_gzip("images.gz", Bytes(kImages.begin(), kImages.end() - 1));
  try {
    nn::load_idx_images(p);
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    EXPECT_EQ(std::string(e.what()), p + ": byte 16 (of the decompressed data): expected 18 "
                                         "bytes of pixels, found the end of the file after 17 "
                                         "bytes");
  }
}

TEST_F(NnIdx, CutShortGzipStreamIsAReadError) {
  // A gzip file of a larger image set, cut in the middle of its compressed data.
  Bytes many = header(0x08, {100, 28, 28});
  for (int i = 0; i < 100 * 784; ++i)
    many.push_back(static_cast<unsigned char>((i * 7919) % 251));
  const std::string whole = write_gzip("whole.gz", many);
  std::ifstream in(whole, std::ios::binary);
  const Bytes compressed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string p =
      write("cut.gz", Bytes(compressed.begin(), compressed.begin() + compressed.size() / 2));
  try {
    nn::load_idx_images(p);
    FAIL() << "no error";
  } catch (const weft::Error &e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(p + ": cannot read: ", 0), 0u) << message;
    EXPECT_NE(message.find("the file may be cut short"), std::string::npos) << message;
  }
}

} // namespace
