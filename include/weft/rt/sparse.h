// weft/rt/sparse.h — SparseArrays in a parallel program.
//
// A SparseArray is either whole on every process (weft::load_triples in serial code: each
// process reads the whole file) or sliced: each process holds a consecutive part of the
// entries, in their global order (rt::load_triples, which reads the file in parallel).
// Serial code sees a sliced array whole: its first serial access (begin, end, size, ...)
// gathers every slice, in rank order, so the entries keep the file's order. Executors
// read the entries without gathering: from a whole array each process takes its share,
// from a sliced one the entries move to the processes that need them.
//
// Executors cache what they derive from the entries (partitions, blocks) in the array's
// record, keyed by the loop's parameters; a change the runtime cannot see (mutable
// iteration, add) invalidates the cache. Declare arrays that only loops read `const`.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "weft/rt/session.h"
#include "weft/weft.h"

namespace weft::rt {

class EntriesRecord : public weft::detail::Distribution, public SessionObserver {
public:
  explicit EntriesRecord(Session &session);
  ~EntriesRecord() override;
  EntriesRecord(const EntriesRecord &) = delete;
  EntriesRecord &operator=(const EntriesRecord &) = delete;

  void session_ended() override { session_ = nullptr; }
  Session *session() const { return session_; }

  // Sliced: this process holds entries [first, first + local count) of `total`.
  bool sliced() const { return sliced_; }
  std::int64_t first() const { return first_; }
  std::int64_t total() const { return total_; }
  void set_sliced(std::int64_t first, std::int64_t total) {
    sliced_ = true;
    first_ = first;
    total_ = total;
  }

  // An executor's plan stored under `key`, if it was made for this `version` of the
  // entries; nullptr otherwise.
  template <class Plan>
  std::shared_ptr<Plan> find_plan(const std::string &key, std::uint64_t version) const {
    const auto it = plans_.find(key);
    if (it == plans_.end() || it->second.version != version)
      return nullptr;
    return std::static_pointer_cast<Plan>(it->second.plan);
  }
  void store_plan(const std::string &key, std::uint64_t version, std::shared_ptr<void> plan) {
    plans_[key] = CachedPlan{version, std::move(plan)};
  }

protected:
  void require_session() const;
  Session *session_;
  bool sliced_ = false;
  std::int64_t first_ = 0;
  std::int64_t total_ = 0;

private:
  struct CachedPlan {
    std::uint64_t version;
    std::shared_ptr<void> plan;
  };
  std::map<std::string, CachedPlan> plans_;
};

template <class T, std::size_t N> class EntriesRecordOf final : public EntriesRecord {
public:
  using EntriesRecord::EntriesRecord;

  // Gathers every slice on every process, in rank order.
  void materialize(void *array) override {
    if (!sliced_)
      return;
    require_session();
    auto &entries =
        weft::detail::RuntimeAccess::entries(*static_cast<weft::SparseArray<T, N> *>(array));
    std::vector<std::int64_t> counts;
    const std::vector<std::byte> all = session_->transport().allgatherv(
        entries.data(), static_cast<std::int64_t>(entries.size() * sizeof(weft::Entry<T, N>)),
        counts);
    entries.resize(all.size() / sizeof(weft::Entry<T, N>));
    if (!all.empty())
      std::memcpy(entries.data(), all.data(), all.size());
    sliced_ = false;
    first_ = 0;
    total_ = static_cast<std::int64_t>(entries.size());
  }
};

// The version of `a`'s entries that a plan made from them is valid for (docs/design.md,
// "Memory model"): the array's change count; for an array whose mutable iterators were
// handed out (an entry reference kept and written through between loops changes no
// count), that count mixed with a digest of every entry's key and value, computed now.
// Every process holds the same whole entries, so every process finds the same version.
template <class T, std::size_t N> std::uint64_t entries_version(const weft::SparseArray<T, N> &a) {
  const weft::detail::Residency &residency = weft::detail::RuntimeAccess::residency(a);
  if (!residency.escaped)
    return residency.version;
  return weft::detail::mix64(
      weft::detail::checksum_of_entries(weft::detail::RuntimeAccess::entries(a)) +
      residency.version);
}

// The record of `a` for `session`, made (whole) on first use.
template <class T, std::size_t N>
EntriesRecord &entries_record(Session &session, const weft::SparseArray<T, N> &a) {
  weft::detail::Residency &residency = weft::detail::RuntimeAccess::residency(a);
  auto *record = dynamic_cast<EntriesRecord *>(residency.record.get());
  if (record != nullptr && record->session() == &session)
    return *record;
  if (record != nullptr && record->sliced()) {
    throw weft::Error(
        "weft::rt: a SparseArray sliced over another session's processes was passed to a loop");
  }
  auto made = std::make_unique<EntriesRecordOf<T, N>>(session);
  EntriesRecord &out = *made;
  residency.pending = nullptr;
  residency.record = std::move(made);
  return out;
}

// ---------------------------------------------------------------------------------------
// Parallel loading. The pieces that do not depend on the entry type:
namespace loading {

// A line that is too long; `line` counts within the share.
struct LineError : weft::Error {
  LineError(std::int64_t line_in_share, const std::string &what)
      : weft::Error(what), line(line_in_share) {}
  std::int64_t line;
};

// Reads the lines of `path` whose first byte lies in this process's share of the file
// (bytes [size * rank / P, size * (rank + 1) / P)); the last line may run past the share.
class RangeLineReader {
public:
  RangeLineReader(const std::string &path, int rank, int processes); // throws weft::Error
  ~RangeLineReader();
  RangeLineReader(const RangeLineReader &) = delete;
  RangeLineReader &operator=(const RangeLineReader &) = delete;

  // Throws weft::Error on a read error, LineError on an overlong line.
  bool next(std::string_view &line);
  // Lines returned so far (1-based number of the last one, counted within this share).
  std::int64_t lines() const { return lines_; }
  // Bytes of the file from the share's first line on, read so far / estimated in total.
  std::int64_t share_bytes() const { return share_end_ - share_begin_; }
  std::int64_t bytes_read() const { return position_ - share_begin_; }
  // Whether the line last returned ended at the end of the file without a '\n'.
  bool unterminated() const { return unterminated_; }
  // The file's size and a checksum of its first and last 64 KiB, read when it was
  // opened: what the processes compare to know they read the same file.
  std::int64_t file_size() const { return file_size_; }
  std::uint64_t ends_checksum() const { return ends_checksum_; }

private:
  bool fill();
  std::string path_;
  void *file_ = nullptr;
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;
  std::int64_t position_ = 0;    // file offset of buffer_[begin_]
  std::int64_t share_begin_ = 0; // file offset of the share's first line
  std::int64_t share_end_ = 0;
  bool eof_ = false;
  bool done_ = false;
  bool unterminated_ = false;
  std::int64_t lines_ = 0;
  std::int64_t file_size_ = 0;
  std::uint64_t ends_checksum_ = 0;
};

// Every process passes its first error, or nothing, as a message with a line number
// relative to its share ("<path>:<line>: ..." is built here from the line counts of the
// processes before). The lowest process with an error wins (its lines come first in the
// file); every process then throws the same weft::Error (Transport::agree_on_error:
// that process at once, the others when it goes on). Returns if no process failed.
struct LocalError {
  std::string path;
  std::int64_t line = 0; // within the share; 0: a message without a line
  std::string what;
};
void agree_on_error(Transport &net, const std::optional<LocalError> &mine,
                    std::int64_t lines_before_error);

// Every process opened `path` (the same name): checks that all of them see the same file
// (its size and the checksum of its ends), or throws on every process
// "<path>: rank R sees another file than rank 0: ...".
void agree_on_file(Transport &net, const std::string &path, const RangeLineReader &reader);

// The check behind weft::load_triples in a parallel program (weft::detail::agree_on_input,
// installed by the Session): every process read the whole file; a process that failed
// reports its error, and processes that read other entries than rank 0 (count, shape or
// checksum) are an error naming the difference, thrown on every process.
void agree_on_input(Transport &net, const weft::detail::LoadedInput &mine);

// The duplicate-key check over all processes: `keys` holds this process's keys (N each),
// `lines` their global line numbers, `first_index` the global index of its first entry.
// Throws on every process "<path>:<line>: duplicate key (...), first on line <line>" for
// the duplicate with the smallest second position, as weft::load_triples does.
void check_unique_keys(Transport &net, const std::string &path, int N,
                       const std::vector<std::int64_t> &keys,
                       const std::vector<std::int64_t> &lines, std::int64_t first_index);

} // namespace loading

// Reads a triple file like weft::load_triples (same format, same options, same error
// messages, on every process), each process reading its share of the bytes in parallel.
// Returns the process's slice of the entries (in file order); serial code sees them all.
// Every process must see the same file (checked: its size and the checksum of its ends).
template <class T, std::size_t N>
weft::SparseArray<T, N> load_triples(Session &session, const std::string &path,
                                     const weft::LoadOptions &options = weft::LoadOptions()) {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>,
                "weft::rt::load_triples needs an arithmetic value type");
  Transport &net = session.transport();
  std::optional<loading::RangeLineReader> reader;
  {
    std::optional<std::string> open_error;
    try {
      reader.emplace(path, net.rank(), net.size());
    } catch (const weft::Error &e) {
      open_error = e.what(); // "<path>: cannot open: ..."
    }
    net.agree_on_error(open_error);
  }
  loading::agree_on_file(net, path, *reader);

  std::vector<weft::Entry<T, N>> entries;
  std::vector<std::int64_t> keys, lines;
  std::optional<loading::LocalError> error;
  std::int64_t local_lines = 0;
  try {
    std::string_view line;
    std::string what;
    std::vector<std::int64_t> local_line_of_entry;
    while (reader->next(line)) {
      weft::Entry<T, N> e;
      const auto kind =
          weft::detail::parse_triple_line<T, N>(line, e.key, e.value, what, options.max_key);
      if (kind == weft::detail::LineKind::Skipped)
        continue;
      if (reader->unterminated())
        what = weft::detail::unterminated_last_line_error();
      if (kind == weft::detail::LineKind::Error || reader->unterminated()) {
        error = loading::LocalError{path, reader->lines(), what};
        break;
      }
      if (entries.size() == 4096 && reader->bytes_read() > 0) {
        entries.reserve(
            static_cast<std::size_t>(1.02 * 4096.0 * static_cast<double>(reader->share_bytes()) /
                                     static_cast<double>(reader->bytes_read())));
      }
      entries.push_back(e);
      local_line_of_entry.push_back(reader->lines());
    }
    local_lines = reader->lines();
    lines = std::move(local_line_of_entry);
  } catch (const loading::LineError &e) {
    error = loading::LocalError{path, e.line, e.what()};
  } catch (const weft::Error &e) {
    error = loading::LocalError{"", 0, e.what()}; // "<path>: cannot read: ..."
  }
  reader.reset();
  const std::int64_t lines_before = net.exclusive_prefix_sum(error ? 0 : local_lines);
  loading::agree_on_error(net, error, lines_before);

  const std::int64_t count = static_cast<std::int64_t>(entries.size());
  const std::int64_t first = net.exclusive_prefix_sum(count);
  std::int64_t total = count;
  net.allreduce_sum(&total, 1);
  if (total == 0 && !options.allow_empty)
    net.fail_with(0, weft::detail::empty_file_error(path));
  keys.reserve(entries.size() * N);
  for (const auto &e : entries)
    keys.insert(keys.end(), e.key.begin(), e.key.end());
  for (auto &l : lines)
    l += lines_before;
  loading::check_unique_keys(net, path, static_cast<int>(N), keys, lines, first);

  weft::SparseArray<T, N> out(std::move(entries));
  if (net.size() > 1) {
    weft::detail::Residency &residency = weft::detail::RuntimeAccess::residency(out);
    auto record = std::make_unique<EntriesRecordOf<T, N>>(session);
    record->set_sliced(first, total);
    residency.pending = record.get();
    residency.record = std::move(record);
  }
  return out;
}

// The whole array at `root` (entries in global order), nothing elsewhere; `a` stays as
// it is. For output that only one process writes.
template <class T, std::size_t N>
std::optional<weft::SparseArray<T, N>>
gather_to_root(Session &session, const weft::SparseArray<T, N> &a, int root = 0) {
  const auto *record =
      dynamic_cast<const EntriesRecord *>(weft::detail::RuntimeAccess::residency(a).record.get());
  const auto &entries = weft::detail::RuntimeAccess::entries(a);
  if (record == nullptr || !record->sliced()) {
    if (session.rank() != root)
      return std::nullopt;
    return weft::SparseArray<T, N>(entries);
  }
  std::vector<std::int64_t> counts;
  const std::vector<std::byte> all = session.transport().gatherv(
      entries.data(), static_cast<std::int64_t>(entries.size() * sizeof(weft::Entry<T, N>)), root,
      counts);
  if (session.rank() != root)
    return std::nullopt;
  std::vector<weft::Entry<T, N>> gathered(all.size() / sizeof(weft::Entry<T, N>));
  if (!all.empty())
    std::memcpy(gathered.data(), all.data(), all.size());
  return weft::SparseArray<T, N>(std::move(gathered));
}

} // namespace weft::rt
