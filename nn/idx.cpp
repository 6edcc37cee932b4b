// nn::load_idx_images and nn::load_idx_labels: the IDX files of MNIST and Fashion-MNIST,
// plain or gzip-compressed (as they are distributed).
//
// An IDX file is a magic number, the sizes of its dimensions and the data:
//
//   byte 0, 1   zero
//   byte 2      the element type (0x08: unsigned byte, the only type these data sets use)
//   byte 3      the number of dimensions d (3 for images: count, rows, columns; 1 for labels)
//   byte 4      d sizes, each a 4-byte big-endian unsigned integer
//   byte 4+4d   the elements, row-major, one byte each: sizes[0] * ... * sizes[d-1] bytes
//
// and nothing after them. Offsets in errors count bytes of the decompressed data.
#include "weft/nn.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>
#include <zlib.h>

namespace weft {
namespace nn {

namespace {

struct GzCloser {
  void operator()(gzFile_s *file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

// "<path>: cannot read: <zlib's or the system's reason>", with a hint for a gzip stream
// that ends early (zlib's Z_BUF_ERROR at the end of the input).
[[noreturn]] void throw_read_error(gzFile_s *file, const std::string &path, std::size_t done) {
  int code = 0;
  const char *message = gzerror(file, &code);
  std::string reason = code == Z_ERRNO ? std::strerror(errno) : std::string(message);
  if (code == Z_BUF_ERROR) {
    reason += " (after " + std::to_string(done) + " decompressed bytes; the file may be cut short)";
  }
  throw Error(path + ": cannot read: " + reason);
}

// The whole (decompressed) contents of `path`; zlib reads a plain file as it is.
std::vector<unsigned char> read_whole_file(const std::string &path, bool &compressed) {
  errno = 0;
  const GzFile file(gzopen(path.c_str(), "rb"));
  if (!file) {
    throw Error(path +
                ": cannot open: " + (errno != 0 ? std::strerror(errno) : "out of memory in zlib"));
  }
  std::vector<unsigned char> bytes;
  constexpr unsigned kChunk = 1u << 20;
  for (;;) {
    const std::size_t used = bytes.size();
    bytes.resize(used + kChunk);
    const int got = gzread(file.get(), bytes.data() + used, kChunk);
    if (got < 0)
      throw_read_error(file.get(), path, used);
    bytes.resize(used + static_cast<std::size_t>(got));
    if (got == 0)
      break;
  }
  // A gzip stream cut short reads as far as it goes, then reports the early end.
  int code = 0;
  gzerror(file.get(), &code);
  if (code != Z_OK)
    throw_read_error(file.get(), path, bytes.size());
  compressed = gzdirect(file.get()) == 0;
  return bytes;
}

std::string hex_byte(unsigned char b) {
  const char digits[] = "0123456789abcdef";
  return std::string("0x") + digits[b >> 4] + digits[b & 15];
}

// An IDX file's header, checked against what the caller expects.
struct IdxHeader {
  std::vector<std::uint64_t> sizes;
  std::size_t data_offset = 0;
  std::uint64_t element_count = 1;
};

class IdxReader {
public:
  IdxReader(std::string path, std::vector<unsigned char> bytes, bool compressed)
      : path_(std::move(path)), bytes_(std::move(bytes)), compressed_(compressed) {}

  // Checks the magic number, the element type (unsigned byte), the number of dimensions
  // (`dims`, described as `what`) and that exactly the elements follow.
  IdxHeader read_header(unsigned dims, const std::string &what, const std::string &element) {
    if (bytes_.size() < 4) {
      fail(bytes_.size(), "the 4-byte IDX magic number (0x00 0x00 <type> <dimensions>)",
           "the end of the file");
    }
    if (bytes_[0] != 0 || bytes_[1] != 0) {
      const std::string gzip_hint =
          bytes_[0] == 0x1f && bytes_[1] == 0x8b ? " (damaged gzip data)" : "";
      fail(0, "the IDX magic number's two zero bytes",
           hex_byte(bytes_[0]) + " " + hex_byte(bytes_[1]) + gzip_hint);
    }
    if (bytes_[2] != 0x08)
      fail(2, "element type 0x08 (unsigned byte)", hex_byte(bytes_[2]));
    if (bytes_[3] != dims) {
      fail(3, std::to_string(dims) + " dimensions (" + what + ")", std::to_string(bytes_[3]));
    }
    IdxHeader header;
    for (unsigned d = 0; d < dims; ++d) {
      const std::size_t at = 4 + 4 * d;
      if (bytes_.size() < at + 4) {
        fail(at,
             "the 4-byte size of dimension " + std::to_string(d + 1) + " of " +
                 std::to_string(dims),
             "the end of the file after " + std::to_string(bytes_.size() - at) + " bytes");
      }
      const std::uint64_t size = (std::uint64_t{bytes_[at]} << 24) |
                                 (std::uint64_t{bytes_[at + 1]} << 16) |
                                 (std::uint64_t{bytes_[at + 2]} << 8) | bytes_[at + 3];
      header.sizes.push_back(size);
      // The element count stays below 2^40 (far beyond any data set that fits in memory),
      // checked before it is multiplied so that it cannot overflow.
      constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 40;
      if (size != 0 && header.element_count > kMaxElements / size) {
        fail(at, "sizes whose product is below 2^40",
             std::to_string(size) + ", which makes the product larger");
      }
      header.element_count *= size;
    }
    header.data_offset = 4 + 4 * dims;
    const std::uint64_t available = bytes_.size() - header.data_offset;
    if (available < header.element_count) {
      fail(header.data_offset, std::to_string(header.element_count) + " bytes of " + element,
           "the end of the file after " + std::to_string(available) + " bytes");
    }
    if (available > header.element_count) {
      fail(header.data_offset + header.element_count, "the end of the file after the " + element,
           std::to_string(available - header.element_count) + " more bytes");
    }
    return header;
  }

  const unsigned char *data(const IdxHeader &header) const {
    return bytes_.data() + header.data_offset;
  }

private:
  // "<path>: byte <offset>: expected <expected>, found <found>".
  [[noreturn]] void fail(std::uint64_t offset, const std::string &expected,
                         const std::string &found) const {
    throw Error(path_ + ": byte " + std::to_string(offset) +
                (compressed_ ? " (of the decompressed data)" : "") + ": expected " + expected +
                ", found " + found);
  }

  std::string path_;
  std::vector<unsigned char> bytes_;
  bool compressed_;
};

IdxReader open_idx(const std::string &path) {
  bool compressed = false;
  std::vector<unsigned char> bytes = read_whole_file(path, compressed);
  return IdxReader(path, std::move(bytes), compressed);
}

} // namespace

Tensor load_idx_images(const std::string &path) {
  IdxReader reader = open_idx(path);
  const IdxHeader header = reader.read_header(3, "images x rows x columns", "pixels");
  const auto count = static_cast<std::int64_t>(header.sizes[0]);
  const auto pixels = static_cast<std::int64_t>(header.sizes[1] * header.sizes[2]);
  Tensor images({count, pixels});
  const unsigned char *from = reader.data(header);
  float *to = images.data();
  // Pixel values 0..255 scaled to [0, 1].
  for (std::uint64_t i = 0; i < header.element_count; ++i)
    to[i] = static_cast<float>(from[i]) / 255.0f;
  return images;
}

Labels load_idx_labels(const std::string &path) {
  IdxReader reader = open_idx(path);
  const IdxHeader header = reader.read_header(1, "labels", "labels");
  Labels labels({static_cast<std::int64_t>(header.sizes[0])});
  const unsigned char *from = reader.data(header);
  std::int32_t *to = labels.data();
  for (std::uint64_t i = 0; i < header.element_count; ++i)
    to[i] = from[i];
  return labels;
}

} // namespace nn
} // namespace weft
