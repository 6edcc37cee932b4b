// Parallel loading of triple files and the record of SparseArrays.
#include "weft/rt/sparse.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

#include "weft/detail/triples.h"

namespace weft::rt {

EntriesRecord::EntriesRecord(Session &session) : session_(&session) {
  session_->add_observer(this);
}

EntriesRecord::~EntriesRecord() {
  if (session_)
    session_->remove_observer(this);
}

void EntriesRecord::require_session() const {
  if (session_ == nullptr) {
    throw weft::Error(
        "weft::rt: a SparseArray sliced over processes was read after its Session ended");
  }
}

namespace loading {
namespace {

constexpr std::size_t kChunk = std::size_t{4} << 20;
constexpr std::size_t kMaxLine = weft::detail::LineReader::kMaxLineBytes;

std::FILE *as_file(void *f) { return static_cast<std::FILE *>(f); }

// A checksum of the first and the last 64 KiB of a file of `size` bytes.
std::uint64_t checksum_of_ends(std::FILE *f, const std::string &path, std::int64_t size) {
  constexpr std::int64_t kEnd = std::int64_t{64} << 10;
  std::vector<unsigned char> bytes;
  std::uint64_t h = weft::detail::kSplitmix64Gamma;
  for (const std::int64_t from : {std::int64_t{0}, std::max<std::int64_t>(0, size - kEnd)}) {
    const std::int64_t n = std::min(kEnd, size - from);
    bytes.resize(static_cast<std::size_t>(n));
    errno = 0;
    if (n > 0 && (fseeko(f, from, SEEK_SET) != 0 ||
                  std::fread(bytes.data(), 1, bytes.size(), f) != bytes.size())) {
      throw weft::Error(
          path + ": cannot read: " + (errno ? std::strerror(errno) : "the file got shorter"));
    }
    for (std::size_t i = 0; i < bytes.size(); i += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, bytes.data() + i, std::min<std::size_t>(8, bytes.size() - i));
      h = weft::detail::mix64(h + word * weft::detail::kSplitmix64Gamma + i);
    }
  }
  return h;
}

} // namespace

RangeLineReader::RangeLineReader(const std::string &path, int rank, int processes) : path_(path) {
  errno = 0;
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    throw weft::Error(path + ": cannot open: " + std::strerror(errno));
  file_ = f;
  if (fseeko(f, 0, SEEK_END) != 0)
    throw weft::Error(path + ": cannot read: " + std::strerror(errno));
  const std::int64_t size = ftello(f);
  if (size < 0)
    throw weft::Error(path + ": cannot read: " + std::strerror(errno));
  file_size_ = size;
  ends_checksum_ = checksum_of_ends(f, path, size);
  const std::int64_t begin = size * rank / processes;
  const std::int64_t end = size * (rank + 1) / processes;
  buffer_.resize(kChunk + kMaxLine + 1);
  share_end_ = end;
  // A line belongs to the share that holds its first byte: skip to just after the first
  // '\n' at or after begin - 1 (nothing to skip for a share that starts the file).
  const std::int64_t scan_from = begin > 0 ? begin - 1 : 0;
  if (fseeko(f, scan_from, SEEK_SET) != 0)
    throw weft::Error(path + ": cannot read: " + std::strerror(errno));
  position_ = scan_from;
  if (begin > 0) {
    for (;;) {
      if (begin_ == end_ && !fill()) {
        done_ = true; // no line starts in this share
        break;
      }
      const char *first = buffer_.data() + begin_;
      const void *nl = std::memchr(first, '\n', end_ - begin_);
      if (nl) {
        const std::size_t skip =
            static_cast<std::size_t>(static_cast<const char *>(nl) - first) + 1;
        begin_ += skip;
        position_ += static_cast<std::int64_t>(skip);
        break;
      }
      position_ += static_cast<std::int64_t>(end_ - begin_);
      begin_ = end_;
    }
  }
  share_begin_ = position_;
  if (position_ >= end)
    done_ = true;
}

RangeLineReader::~RangeLineReader() {
  if (file_)
    std::fclose(as_file(file_));
}

// Moves the unread bytes to the front and reads more; false at the end of the file.
bool RangeLineReader::fill() {
  if (eof_)
    return false;
  const std::size_t kept = end_ - begin_;
  if (begin_ > 0 && kept > 0)
    std::memmove(buffer_.data(), buffer_.data() + begin_, kept);
  begin_ = 0;
  end_ = kept;
  errno = 0;
  const std::size_t room = buffer_.size() - end_;
  const std::size_t n =
      std::fread(buffer_.data() + end_, 1, std::min(room, kChunk), as_file(file_));
  if (n == 0) {
    if (std::ferror(as_file(file_)))
      throw weft::Error(path_ + ": cannot read: " + std::strerror(errno));
    eof_ = true;
    return false;
  }
  end_ += n;
  return true;
}

bool RangeLineReader::next(std::string_view &line) {
  if (done_)
    return false;
  if (position_ >= share_end_) {
    done_ = true;
    return false;
  }
  for (;;) {
    const char *first = buffer_.data() + begin_;
    const std::size_t available = end_ - begin_;
    if (const void *nl = std::memchr(first, '\n', available)) {
      const std::size_t length = static_cast<std::size_t>(static_cast<const char *>(nl) - first);
      if (length > kMaxLine)
        break;
      line = std::string_view(first, length);
      begin_ += length + 1;
      position_ += static_cast<std::int64_t>(length + 1);
      ++lines_;
      return true;
    }
    if (available > kMaxLine)
      break;
    if (!fill()) {
      if (end_ == begin_) {
        done_ = true;
        return false;
      }
      line = std::string_view(buffer_.data() + begin_, end_ - begin_); // last line without '\n'
      position_ += static_cast<std::int64_t>(end_ - begin_);
      begin_ = end_;
      ++lines_;
      done_ = true;
      unterminated_ = true;
      return true;
    }
  }
  throw LineError(lines_ + 1, "line longer than " + std::to_string(kMaxLine) + " bytes");
}

void agree_on_error(Transport &net, const std::optional<LocalError> &mine,
                    std::int64_t lines_before_error) {
  std::optional<std::string> message;
  if (mine) {
    message = mine->line > 0 ? mine->path + ":" + std::to_string(lines_before_error + mine->line) +
                                   ": " + mine->what
                             : mine->what;
  }
  net.agree_on_error(message);
}

void agree_on_file(Transport &net, const std::string &path, const RangeLineReader &reader) {
  const std::int64_t mine[2] = {reader.file_size(),
                                static_cast<std::int64_t>(reader.ends_checksum())};
  std::vector<std::int64_t> counts;
  const std::vector<std::byte> bytes = net.allgatherv(mine, sizeof mine, counts, Kind::Control);
  std::vector<std::int64_t> all(bytes.size() / sizeof(std::int64_t));
  std::memcpy(all.data(), bytes.data(), bytes.size());
  for (int q = 1; q < net.size(); ++q) {
    const std::int64_t size = all[2 * q], checksum = all[2 * q + 1];
    if (size == all[0] && checksum == all[1])
      continue;
    std::string message = path + ": rank " + std::to_string(q) + " sees another file than rank 0: ";
    if (size != all[0]) {
      message += std::to_string(size) + " bytes instead of " + std::to_string(all[0]);
    } else {
      message += "the same size (" + std::to_string(size) +
                 " bytes) but other contents in its first or last 64 KiB";
    }
    net.fail_with(q, message + "; every process must read the same file");
  }
}

void agree_on_input(Transport &net, const weft::detail::LoadedInput &mine) {
  // Each process's record: {failed, entries, checksum, rank of the shape, length of the
  // path}, the shape, the path, then the error text.
  const std::int64_t head[5] = {
      mine.error.empty() ? 0 : 1, mine.entries, static_cast<std::int64_t>(mine.checksum),
      static_cast<std::int64_t>(mine.shape.size()), static_cast<std::int64_t>(mine.path.size())};
  std::vector<std::byte> bytes(sizeof head + mine.shape.size() * sizeof(std::int64_t) +
                               mine.path.size() + mine.error.size());
  std::byte *out = bytes.data();
  const auto put = [&out](const void *data, std::size_t n) {
    if (n > 0)
      std::memcpy(out, data, n);
    out += n;
  };
  put(head, sizeof head);
  put(mine.shape.data(), mine.shape.size() * sizeof(std::int64_t));
  put(mine.path.data(), mine.path.size());
  put(mine.error.data(), mine.error.size());
  std::vector<std::int64_t> counts;
  const std::vector<std::byte> all =
      net.allgatherv(bytes.data(), static_cast<std::int64_t>(bytes.size()), counts, Kind::Control);

  struct Summary {
    bool failed = false;
    std::int64_t entries = 0;
    std::uint64_t checksum = 0;
    std::vector<std::int64_t> shape;
    std::string path, error;
  };
  std::vector<Summary> summaries(static_cast<std::size_t>(net.size()));
  const std::byte *in = all.data();
  for (int q = 0; q < net.size(); ++q) {
    const std::byte *end = in + counts[q];
    std::int64_t h[5];
    std::memcpy(h, in, sizeof h);
    in += sizeof h;
    Summary &s = summaries[q];
    s.failed = h[0] != 0;
    s.entries = h[1];
    s.checksum = static_cast<std::uint64_t>(h[2]);
    s.shape.resize(static_cast<std::size_t>(h[3]));
    if (h[3] > 0)
      std::memcpy(s.shape.data(), in, s.shape.size() * sizeof(std::int64_t));
    in += s.shape.size() * sizeof(std::int64_t);
    s.path.assign(reinterpret_cast<const char *>(in), static_cast<std::size_t>(h[4]));
    in += h[4];
    s.error.assign(reinterpret_cast<const char *>(in), static_cast<std::size_t>(end - in));
    in = end;
  }
  for (int q = 0; q < net.size(); ++q) {
    if (summaries[q].failed)
      net.fail_with(q, summaries[q].error);
  }
  const Summary &first = summaries[0];
  const auto shape_text = [](const std::vector<std::int64_t> &shape) {
    std::string text = "(";
    for (std::size_t d = 0; d < shape.size(); ++d)
      text += (d ? ", " : "") + std::to_string(shape[d]);
    return text + ")";
  };
  for (int q = 1; q < net.size(); ++q) {
    const Summary &s = summaries[q];
    if (s.entries == first.entries && s.shape == first.shape && s.checksum == first.checksum)
      continue;
    std::string message = s.path + ": rank " + std::to_string(q) + " read other data than rank 0";
    if (s.path != first.path)
      message += " (which read " + first.path + ")";
    message += ": ";
    if (s.entries != first.entries) {
      message += std::to_string(s.entries) + " entries instead of " + std::to_string(first.entries);
    } else if (s.shape != first.shape) {
      message += "shape " + shape_text(s.shape) + " instead of " + shape_text(first.shape) + " (" +
                 std::to_string(s.entries) + " entries each)";
    } else {
      char text[96];
      std::snprintf(text, sizeof text, "other keys or values (checksum %016llx instead of %016llx)",
                    static_cast<unsigned long long>(s.checksum),
                    static_cast<unsigned long long>(first.checksum));
      message += std::to_string(s.entries) + " entries of shape " + shape_text(s.shape) +
                 " each, but " + text;
    }
    net.fail_with(q, message + "; every process must read the same input");
  }
}

void check_unique_keys(Transport &net, const std::string &path, int N,
                       const std::vector<std::int64_t> &keys,
                       const std::vector<std::int64_t> &lines, std::int64_t first_index) {
  // Each key goes to the process its hash selects, as (key..., global index, line); each
  // process finds the duplicates among the keys it received. Records are int64s.
  const int p = net.size();
  const std::size_t n = lines.size();
  const std::size_t width = static_cast<std::size_t>(N) + 2;
  std::vector<std::vector<std::byte>> send(static_cast<std::size_t>(p));
  std::vector<std::int64_t> record(width);
  for (std::size_t e = 0; e < n; ++e) {
    std::uint64_t h = 0;
    for (int d = 0; d < N; ++d) {
      h = weft::detail::mix64(h + static_cast<std::uint64_t>(keys[e * N + d]) *
                                      weft::detail::kSplitmix64Gamma);
    }
    for (int d = 0; d < N; ++d)
      record[d] = keys[e * N + d];
    record[N] = first_index + static_cast<std::int64_t>(e);
    record[N + 1] = lines[e];
    const auto *b = reinterpret_cast<const std::byte *>(record.data());
    auto &out = send[static_cast<std::size_t>(h % static_cast<std::uint64_t>(p))];
    out.insert(out.end(), b, b + width * sizeof(std::int64_t));
  }
  const std::vector<std::vector<std::byte>> received = net.alltoallv(send, Kind::Control);

  // Records arrive in rank order, each process's in its order: global index order. An
  // open-addressing table (linear probing, load at most 0.7) of record positions + 1
  // keeps the first record of each key.
  std::vector<const std::int64_t *> records;
  for (const auto &bytes : received) {
    const auto *r = reinterpret_cast<const std::int64_t *>(bytes.data());
    const std::size_t count = bytes.size() / (width * sizeof(std::int64_t));
    for (std::size_t i = 0; i < count; ++i)
      records.push_back(r + i * width);
  }
  std::size_t capacity = 16;
  while (capacity * 7 < records.size() * 10)
    capacity *= 2;
  std::vector<std::size_t> table(capacity, 0);
  const auto hash = [N](const std::int64_t *k) {
    std::uint64_t h = 0;
    for (int d = 0; d < N; ++d)
      h = weft::detail::mix64(h +
                              static_cast<std::uint64_t>(k[d]) * weft::detail::kSplitmix64Gamma);
    return static_cast<std::size_t>(h);
  };
  // Best duplicate here: {second index, first index, second line, first line, key...}.
  std::vector<std::int64_t> best(4 + static_cast<std::size_t>(N),
                                 std::numeric_limits<std::int64_t>::max());
  for (std::size_t j = 0; j < records.size(); ++j) {
    const std::int64_t *r = records[j];
    std::size_t slot = hash(r) & (capacity - 1);
    for (;; slot = (slot + 1) & (capacity - 1)) {
      if (table[slot] == 0) {
        table[slot] = j + 1;
        break;
      }
      const std::int64_t *first = records[table[slot] - 1];
      if (std::equal(r, r + N, first)) {
        if (r[N] < best[0]) {
          best[0] = r[N];
          best[1] = first[N];
          best[2] = r[N + 1];
          best[3] = first[N + 1];
          for (int d = 0; d < N; ++d)
            best[4 + d] = r[d];
        }
        break;
      }
    }
  }
  std::vector<std::int64_t> counts;
  const std::vector<std::byte> all =
      net.allgatherv(best.data(), static_cast<std::int64_t>(best.size() * sizeof(std::int64_t)),
                     counts, Kind::Control);
  const auto *candidates = reinterpret_cast<const std::int64_t *>(all.data());
  const std::int64_t *winner = nullptr;
  for (int q = 0; q < p; ++q) {
    const std::int64_t *c = candidates + static_cast<std::size_t>(q) * best.size();
    if (c[0] != std::numeric_limits<std::int64_t>::max() && (winner == nullptr || c[0] < winner[0]))
      winner = c;
  }
  if (winner == nullptr)
    return;
  std::string key = "(";
  for (int d = 0; d < N; ++d)
    key += (d ? ", " : "") + std::to_string(winner[4 + d]);
  key += ")";
  // Every process knows it: rank 0 reports it (Transport::fail_with).
  net.fail_with(0, path + ":" + std::to_string(winner[2]) + ": duplicate key " + key +
                       ", first on line " + std::to_string(winner[3]));
}

} // namespace loading
} // namespace weft::rt
