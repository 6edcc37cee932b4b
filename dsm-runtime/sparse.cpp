// Parallel loading of triple files and the record of SparseArrays.
#include "weft/rt/sparse.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

#include "weft/detail/triples.h"

namespace weft::rt {

EntriesRecord::EntriesRecord(Session& session) : session_(&session) { session_->add_observer(this); }

EntriesRecord::~EntriesRecord() {
  if (session_) session_->remove_observer(this);
}

void EntriesRecord::require_session() const {
  if (session_ == nullptr) {
    throw weft::Error("weft::rt: a SparseArray sliced over processes was read after its Session ended");
  }
}

namespace loading {
namespace {

constexpr std::size_t kChunk = std::size_t{4} << 20;
constexpr std::size_t kMaxLine = weft::detail::LineReader::kMaxLineBytes;

std::FILE* as_file(void* f) { return static_cast<std::FILE*>(f); }

}  // namespace

RangeLineReader::RangeLineReader(const std::string& path, int rank, int processes) : path_(path) {
  errno = 0;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw weft::Error(path + ": cannot open: " + std::strerror(errno));
  file_ = f;
  if (fseeko(f, 0, SEEK_END) != 0) throw weft::Error(path + ": cannot read: " + std::strerror(errno));
  const std::int64_t size = ftello(f);
  if (size < 0) throw weft::Error(path + ": cannot read: " + std::strerror(errno));
  const std::int64_t begin = size * rank / processes;
  const std::int64_t end = size * (rank + 1) / processes;
  buffer_.resize(kChunk + kMaxLine + 1);
  share_end_ = end;
  // A line belongs to the share that holds its first byte: skip to just after the first
  // '\n' at or after begin - 1 (nothing to skip for a share that starts the file).
  const std::int64_t scan_from = begin > 0 ? begin - 1 : 0;
  if (fseeko(f, scan_from, SEEK_SET) != 0) throw weft::Error(path + ": cannot read: " + std::strerror(errno));
  position_ = scan_from;
  if (begin > 0) {
    for (;;) {
      if (begin_ == end_ && !fill()) {
        done_ = true;  // no line starts in this share
        break;
      }
      const char* first = buffer_.data() + begin_;
      const void* nl = std::memchr(first, '\n', end_ - begin_);
      if (nl) {
        const std::size_t skip = static_cast<std::size_t>(static_cast<const char*>(nl) - first) + 1;
        begin_ += skip;
        position_ += static_cast<std::int64_t>(skip);
        break;
      }
      position_ += static_cast<std::int64_t>(end_ - begin_);
      begin_ = end_;
    }
  }
  share_begin_ = position_;
  if (position_ >= end) done_ = true;
}

RangeLineReader::~RangeLineReader() {
  if (file_) std::fclose(as_file(file_));
}

// Moves the unread bytes to the front and reads more; false at the end of the file.
bool RangeLineReader::fill() {
  if (eof_) return false;
  const std::size_t kept = end_ - begin_;
  if (begin_ > 0 && kept > 0) std::memmove(buffer_.data(), buffer_.data() + begin_, kept);
  begin_ = 0;
  end_ = kept;
  errno = 0;
  const std::size_t room = buffer_.size() - end_;
  const std::size_t n = std::fread(buffer_.data() + end_, 1, std::min(room, kChunk), as_file(file_));
  if (n == 0) {
    if (std::ferror(as_file(file_))) throw weft::Error(path_ + ": cannot read: " + std::strerror(errno));
    eof_ = true;
    return false;
  }
  end_ += n;
  return true;
}

bool RangeLineReader::next(std::string_view& line) {
  if (done_) return false;
  if (position_ >= share_end_) {
    done_ = true;
    return false;
  }
  for (;;) {
    const char* first = buffer_.data() + begin_;
    const std::size_t available = end_ - begin_;
    if (const void* nl = std::memchr(first, '\n', available)) {
      const std::size_t length = static_cast<std::size_t>(static_cast<const char*>(nl) - first);
      if (length > kMaxLine) break;
      line = std::string_view(first, length);
      begin_ += length + 1;
      position_ += static_cast<std::int64_t>(length + 1);
      ++lines_;
      return true;
    }
    if (available > kMaxLine) break;
    if (!fill()) {
      if (end_ == begin_) {
        done_ = true;
        return false;
      }
      line = std::string_view(buffer_.data() + begin_, end_ - begin_);  // last line without '\n'
      position_ += static_cast<std::int64_t>(end_ - begin_);
      begin_ = end_;
      ++lines_;
      done_ = true;
      return true;
    }
  }
  throw LineError(lines_ + 1, "line longer than " + std::to_string(kMaxLine) + " bytes");
}

void agree_on_error(Transport& net, const std::optional<LocalError>& mine, std::int64_t lines_before_error) {
  std::int64_t first_failed = mine ? net.rank() : std::numeric_limits<std::int64_t>::max();
  net.allreduce_min(&first_failed, 1);
  if (first_failed == std::numeric_limits<std::int64_t>::max()) return;
  std::string message;
  if (first_failed == net.rank()) {
    message = mine->line > 0 ? mine->path + ":" + std::to_string(lines_before_error + mine->line) + ": " + mine->what
                             : mine->what;
  }
  message = net.broadcast(message, static_cast<int>(first_failed));
  throw weft::Error(message);
}

void check_unique_keys(Transport& net, const std::string& path, int N, const std::vector<std::int64_t>& keys,
                       const std::vector<std::int64_t>& lines, std::int64_t first_index) {
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
      h = weft::detail::mix64(h + static_cast<std::uint64_t>(keys[e * N + d]) * weft::detail::kSplitmix64Gamma);
    }
    for (int d = 0; d < N; ++d) record[d] = keys[e * N + d];
    record[N] = first_index + static_cast<std::int64_t>(e);
    record[N + 1] = lines[e];
    const auto* b = reinterpret_cast<const std::byte*>(record.data());
    auto& out = send[static_cast<std::size_t>(h % static_cast<std::uint64_t>(p))];
    out.insert(out.end(), b, b + width * sizeof(std::int64_t));
  }
  const std::vector<std::vector<std::byte>> received = net.alltoallv(send, Kind::Control);

  // Records arrive in rank order, each process's in its order: global index order. An
  // open-addressing table (linear probing, load at most 0.7) of record positions + 1
  // keeps the first record of each key.
  std::vector<const std::int64_t*> records;
  for (const auto& bytes : received) {
    const auto* r = reinterpret_cast<const std::int64_t*>(bytes.data());
    const std::size_t count = bytes.size() / (width * sizeof(std::int64_t));
    for (std::size_t i = 0; i < count; ++i) records.push_back(r + i * width);
  }
  std::size_t capacity = 16;
  while (capacity * 7 < records.size() * 10) capacity *= 2;
  std::vector<std::size_t> table(capacity, 0);
  const auto hash = [N](const std::int64_t* k) {
    std::uint64_t h = 0;
    for (int d = 0; d < N; ++d) h = weft::detail::mix64(h + static_cast<std::uint64_t>(k[d]) * weft::detail::kSplitmix64Gamma);
    return static_cast<std::size_t>(h);
  };
  // Best duplicate here: {second index, first index, second line, first line, key...}.
  std::vector<std::int64_t> best(4 + static_cast<std::size_t>(N), std::numeric_limits<std::int64_t>::max());
  for (std::size_t j = 0; j < records.size(); ++j) {
    const std::int64_t* r = records[j];
    std::size_t slot = hash(r) & (capacity - 1);
    for (;; slot = (slot + 1) & (capacity - 1)) {
      if (table[slot] == 0) {
        table[slot] = j + 1;
        break;
      }
      const std::int64_t* first = records[table[slot] - 1];
      if (std::equal(r, r + N, first)) {
        if (r[N] < best[0]) {
          best[0] = r[N];
          best[1] = first[N];
          best[2] = r[N + 1];
          best[3] = first[N + 1];
          for (int d = 0; d < N; ++d) best[4 + d] = r[d];
        }
        break;
      }
    }
  }
  std::vector<std::int64_t> counts;
  const std::vector<std::byte> all =
      net.allgatherv(best.data(), static_cast<std::int64_t>(best.size() * sizeof(std::int64_t)), counts, Kind::Control);
  const auto* candidates = reinterpret_cast<const std::int64_t*>(all.data());
  const std::int64_t* winner = nullptr;
  for (int q = 0; q < p; ++q) {
    const std::int64_t* c = candidates + static_cast<std::size_t>(q) * best.size();
    if (c[0] != std::numeric_limits<std::int64_t>::max() && (winner == nullptr || c[0] < winner[0])) winner = c;
  }
  if (winner == nullptr) return;
  std::string key = "(";
  for (int d = 0; d < N; ++d) key += (d ? ", " : "") + std::to_string(winner[4 + d]);
  key += ")";
  throw weft::Error(path + ":" + std::to_string(winner[2]) + ": duplicate key " + key + ", first on line " +
                    std::to_string(winner[3]));
}

}  // namespace loading
}  // namespace weft::rt
