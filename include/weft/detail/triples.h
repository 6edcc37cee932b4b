// weft::detail — the pieces of weft::load_triples (a chunked line reader, field parsers,
// a duplicate-key finder) and the formatting of error messages. Every load_triples
// error is a weft::Error whose message starts with "<path>: " or "<path>:<line>: ".
#pragma once

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/detail/error.h"
#include "weft/detail/splitmix64.h"

namespace weft::detail {

// "(3, 4)"
template <class Int, std::size_t N> std::string format_tuple(const std::array<Int, N> &v) {
  std::string s = "(";
  for (std::size_t d = 0; d < N; ++d) {
    if (d > 0)
      s += ", ";
    s += std::to_string(v[d]);
  }
  return s + ")";
}

// An arithmetic value as text: integers exactly, floating values with %.9g.
template <class T> std::string format_number(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    char text[48];
    std::snprintf(text, sizeof text, "%.9g", static_cast<double>(v));
    return text;
  } else {
    return std::to_string(v);
  }
}

// A token as it appears in an error message: quoted, non-printable bytes as \xNN, and
// cut after 40 bytes so that a binary file does not flood the terminal.
inline std::string quote_token(std::string_view token) {
  constexpr std::size_t kMaxShown = 40;
  std::string s = "'";
  for (std::size_t i = 0; i < token.size() && i < kMaxShown; ++i) {
    const unsigned char c = static_cast<unsigned char>(token[i]);
    if (c >= 0x20 && c < 0x7f) {
      s += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      s += "\\x";
      s += kHex[c >> 4];
      s += kHex[c & 0xf];
    }
  }
  if (token.size() > kMaxShown)
    s += "...";
  return s + "'";
}

inline bool is_field_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// Reads a file line by line through a 4 MiB buffer. A line is the bytes before a '\n'
// (or before the end of the file); lines longer than kMaxLineBytes are an error, so the
// buffer never grows and a binary file cannot exhaust memory.
class LineReader {
public:
  static constexpr std::size_t kBufferBytes = std::size_t{4} << 20;
  static constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;

  explicit LineReader(std::string path) : path_(std::move(path)) {
    errno = 0;
    file_.reset(std::fopen(path_.c_str(), "rb"));
    if (!file_)
      throw Error(path_ + ": cannot open: " + std::strerror(errno));
    buffer_.reset(new char[kBufferBytes]);
    // The size is only a hint for reserving memory: unknown (-1) for pipes.
    if (std::fseek(file_.get(), 0, SEEK_END) == 0) {
      file_size_ = std::ftell(file_.get());
      if (std::fseek(file_.get(), 0, SEEK_SET) != 0)
        throw Error(path_ + ": cannot read: " + std::strerror(errno));
    }
    std::clearerr(file_.get());
  }

  // Sets `line` to the next line (valid until the next call) and returns true, or
  // returns false at the end of the file.
  bool next(std::string_view &line) {
    for (;;) {
      const char *first = buffer_.get() + begin_;
      const std::size_t available = end_ - begin_;
      if (const void *nl = std::memchr(first, '\n', available)) {
        const std::size_t length = static_cast<std::size_t>(static_cast<const char *>(nl) - first);
        line = std::string_view(first, length);
        begin_ += length + 1;
        offset_ += static_cast<std::int64_t>(length + 1);
        ++line_number_;
        return true;
      }
      if (available > kMaxLineBytes) {
        throw Error(path_ + ":" + std::to_string(line_number_ + 1) + ": line longer than " +
                    std::to_string(kMaxLineBytes) + " bytes");
      }
      if (at_eof_) {
        if (available == 0)
          return false;
        line = std::string_view(first, available); // last line without '\n'
        begin_ = end_;
        offset_ += static_cast<std::int64_t>(available);
        ++line_number_;
        unterminated_ = true;
        return true;
      }
      refill();
    }
  }

  // 1-based number of the line last returned by next().
  std::int64_t line_number() const { return line_number_; }
  // Whether the line last returned by next() ended at the end of the file without a '\n'.
  bool unterminated() const { return unterminated_; }
  // Bytes of the file in the lines returned so far.
  std::int64_t offset() const { return offset_; }
  // Size of the file in bytes when it was opened, or -1 if unknown.
  std::int64_t file_size() const { return file_size_; }
  const std::string &path() const { return path_; }

private:
  struct FileCloser {
    void operator()(std::FILE *f) const { std::fclose(f); }
  };

  // Moves the unfinished line to the front of the buffer and reads after it.
  void refill() {
    const std::size_t kept = end_ - begin_;
    if (begin_ > 0 && kept > 0)
      std::memmove(buffer_.get(), buffer_.get() + begin_, kept);
    begin_ = 0;
    end_ = kept;
    errno = 0;
    const std::size_t n = std::fread(buffer_.get() + end_, 1, kBufferBytes - end_, file_.get());
    end_ += n;
    if (n == 0) {
      if (std::ferror(file_.get()))
        throw Error(path_ + ": cannot read: " + std::strerror(errno));
      at_eof_ = true;
    }
  }

  std::string path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::unique_ptr<char[]> buffer_;
  std::size_t begin_ = 0; // first unread byte
  std::size_t end_ = 0;   // one past the last byte read
  bool at_eof_ = false;
  bool unterminated_ = false;
  std::int64_t line_number_ = 0;
  std::int64_t offset_ = 0;
  std::int64_t file_size_ = -1;
};

// Splits `line` at blanks into at most `max_fields` fields and returns how many fields
// the line has in total (which may exceed max_fields).
inline std::size_t split_fields(std::string_view line, std::string_view *fields,
                                std::size_t max_fields) {
  std::size_t count = 0;
  std::size_t i = 0;
  const std::size_t n = line.size();
  for (;;) {
    while (i < n && is_field_space(line[i]))
      ++i;
    if (i == n)
      return count;
    const std::size_t start = i;
    while (i < n && !is_field_space(line[i]))
      ++i;
    if (count < max_fields)
      fields[count] = line.substr(start, i - start);
    ++count;
  }
}

// Blank lines and comment lines (first field starts with '#') carry no entry.
inline bool is_skipped_line(std::size_t field_count, std::string_view first_field) {
  return field_count == 0 || first_field[0] == '#';
}

// The line numbers of the entries at the given positions (in file order, counting only
// lines that carry an entry) of a file that load_triples read without error. Rereading
// is for the error path only; it spares load_triples a line number per entry.
template <std::size_t K>
std::array<std::int64_t, K> line_numbers_of_entries(const std::string &path,
                                                    std::size_t fields_per_line,
                                                    const std::array<std::size_t, K> &positions) {
  LineReader reader(path);
  std::array<std::int64_t, K> lines{};
  std::vector<std::string_view> fields(fields_per_line);
  std::string_view line;
  std::size_t position = 0;
  while (reader.next(line)) {
    if (is_skipped_line(split_fields(line, fields.data(), fields_per_line), fields[0]))
      continue;
    for (std::size_t k = 0; k < K; ++k) {
      if (positions[k] == position)
        lines[k] = reader.line_number();
    }
    ++position;
  }
  return lines;
}

// The default largest key of the loaders (weft::LoadOptions::max_key): 2^31 - 1.
inline constexpr std::int64_t kDefaultMaxKey = (std::int64_t{1} << 31) - 1;

// "2^31 - 1 = 2147483647" for the powers of two less one, else the number.
inline std::string format_key_limit(std::int64_t max_key) {
  for (int b = 1; b < 64; ++b) {
    if (max_key == static_cast<std::int64_t>((std::uint64_t{1} << b) - 1)) {
      return "2^" + std::to_string(b) + " - 1 = " + std::to_string(max_key);
    }
  }
  return std::to_string(max_key);
}

// Parses a key field: a decimal integer from 0 to max_key. Returns an error text or
// nothing.
inline std::optional<std::string>
parse_key(std::string_view field, std::size_t dim, std::int64_t &key,
          std::int64_t max_key = std::numeric_limits<std::int64_t>::max()) {
  const char *first = field.data();
  const char *last = first + field.size();
  const auto [ptr, ec] = std::from_chars(first, last, key);
  if (ec == std::errc() && ptr == last && key >= 0 && key <= max_key)
    return std::nullopt;
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && ptr == last && key > max_key)) {
    return "key " + std::to_string(dim) + " is out of range: " + quote_token(field) +
           " (the largest key is " + format_key_limit(max_key) +
           "; weft::LoadOptions::max_key sets it)";
  }
  const char *what = ec != std::errc() || ptr != last ? " is not an integer: " : " is negative: ";
  return "key " + std::to_string(dim) + what + quote_token(field);
}

// Parses a floating-point number in [first, last) like std::from_chars, for standard
// libraries without the floating-point overloads: strtold on a NUL-terminated copy. It
// differs from from_chars in what strtold also accepts (a leading '+', hexadecimal,
// the locale's decimal point).
template <class T>
std::from_chars_result parse_floating_with_strtod(const char *first, const char *last, T &value) {
  const std::string copy(first, last);
  if (copy.empty() || is_field_space(copy[0]))
    return {first, std::errc::invalid_argument};
  char *end = nullptr;
  errno = 0;
  const long double v = std::strtold(copy.c_str(), &end);
  const char *ptr = first + (end - copy.c_str());
  if (ptr == first)
    return {first, std::errc::invalid_argument};
  if (errno == ERANGE || (std::isfinite(v) &&
                          std::fabs(v) > static_cast<long double>(std::numeric_limits<T>::max()))) {
    return {ptr, std::errc::result_out_of_range};
  }
  value = static_cast<T>(v);
  return {ptr, std::errc()};
}

template <class T>
std::from_chars_result parse_floating(const char *first, const char *last, T &value) {
#if defined(__cpp_lib_to_chars)
  return std::from_chars(first, last, value, std::chars_format::general);
#else
  return parse_floating_with_strtod(first, last, value);
#endif
}

// Parses the value field into T (floating: finite decimal number; integral: decimal
// integer in range). Returns an error text or nothing.
template <class T> std::optional<std::string> parse_value(std::string_view field, T &value) {
  const char *first = field.data();
  const char *last = first + field.size();
  std::from_chars_result r;
  if constexpr (std::is_floating_point_v<T>) {
    r = parse_floating(first, last, value);
  } else {
    r = std::from_chars(first, last, value);
  }
  if (r.ec == std::errc::result_out_of_range)
    return "value is out of range: " + quote_token(field);
  if constexpr (std::is_floating_point_v<T>) {
    if (r.ec != std::errc())
      return "value is not a number: " + quote_token(field);
    if (r.ptr != last)
      return "value has trailing characters: " + quote_token(field);
    if (!std::isfinite(value))
      return "value is not finite: " + quote_token(field);
  } else {
    if (r.ec != std::errc() || r.ptr != last)
      return "value is not an integer: " + quote_token(field);
  }
  return std::nullopt;
}

// What parse_triple_line found on a line.
enum class LineKind { Entry, Skipped, Error };

// Parses one line of a triple file ("k0 ... k{N-1} value"): fills key and value and
// returns Entry; returns Skipped for a blank or comment line; returns Error and sets
// `error` to what is wrong with the line (without "<path>:<line>: ").
template <class T, std::size_t N>
LineKind parse_triple_line(std::string_view line, std::array<std::int64_t, N> &key, T &value,
                           std::string &error,
                           std::int64_t max_key = std::numeric_limits<std::int64_t>::max()) {
  constexpr std::size_t kFields = N + 1;
  std::array<std::string_view, kFields> fields;
  const std::size_t count = split_fields(line, fields.data(), kFields);
  if (is_skipped_line(count, fields[0]))
    return LineKind::Skipped;
  if (count != kFields) {
    error = std::string(count < kFields ? "too few" : "too many") + " fields: expected " +
            std::to_string(kFields) + " (" + std::to_string(N) + (N == 1 ? " key" : " keys") +
            " and a value), found " + std::to_string(count);
    return LineKind::Error;
  }
  for (std::size_t d = 0; d < N; ++d) {
    if (auto e = parse_key(fields[d], d, key[d], max_key)) {
      error = std::move(*e);
      return LineKind::Error;
    }
  }
  if (auto e = parse_value(fields[N], value)) {
    error = std::move(*e);
    return LineKind::Error;
  }
  return LineKind::Entry;
}

// The error for a last line that carries data but no '\n': a file cut short (a copy that
// stopped, a full disk) ends in the middle of a line, and what is left of a number often
// still parses ("3.75" cut to "3."), so such a line is never taken as an entry.
inline std::string unterminated_last_line_error() {
  return "the last line does not end with a newline: the file may be cut short (end a complete "
         "file with a "
         "newline)";
}

// The error for a file without entries, unless the loader was told to accept one.
inline std::string empty_file_error(const std::string &path) {
  return path +
         ": no entries (an empty file; a weft::LoadOptions with allow_empty = true accepts one)";
}

// A checksum of entries in order (keys and the bytes of the values), for the check that
// the processes of a parallel program read the same input.
template <class E> std::uint64_t checksum_of_entries(const std::vector<E> &entries) {
  std::uint64_t h = kSplitmix64Gamma;
  for (const E &e : entries) {
    for (const std::int64_t k : e.key)
      h = mix64(h + static_cast<std::uint64_t>(k) * kSplitmix64Gamma);
    using V = decltype(e.value);
    std::uint64_t word = 0;
    if constexpr (sizeof(V) > sizeof word) {
      const double d = static_cast<double>(e.value); // long double: no padding bytes
      std::memcpy(&word, &d, sizeof d);
    } else {
      std::memcpy(&word, &e.value, sizeof(V));
    }
    h = mix64(h + word * kSplitmix64Gamma + 1);
  }
  return h;
}

template <std::size_t N> std::uint64_t hash_key(const std::array<std::int64_t, N> &key) {
  std::uint64_t h = 0;
  for (std::size_t d = 0; d < N; ++d)
    h = mix64(h + static_cast<std::uint64_t>(key[d]) * kSplitmix64Gamma);
  return h;
}

// Open-addressing set of entry positions (0 = empty slot, else position + 1) with linear
// probing at load factor at most 0.7.
template <class Slot, class E>
std::optional<std::pair<std::size_t, std::size_t>>
find_duplicate_key_with(const std::vector<E> &entries) {
  std::size_t capacity = 16;
  while (capacity * 7 < entries.size() * 10)
    capacity *= 2;
  std::vector<Slot> table(capacity, Slot{0});
  const std::size_t mask = capacity - 1;
  for (std::size_t j = 0; j < entries.size(); ++j) {
    std::size_t h = static_cast<std::size_t>(hash_key(entries[j].key)) & mask;
    while (table[h] != 0) {
      const std::size_t i = static_cast<std::size_t>(table[h]) - 1;
      if (entries[i].key == entries[j].key)
        return std::make_pair(i, j);
      h = (h + 1) & mask;
    }
    table[h] = static_cast<Slot>(j + 1);
  }
  return std::nullopt;
}

// The same answer for fewer than 2^32 entries, cache-friendly: the entries go to 2^b
// buckets by the top b bits of their key's hash (each bucket in file order, as (32 more
// bits of the hash, position) pairs), and each bucket is checked with a table of its own
// small enough for the cache, comparing keys only where those hash bits agree. Equal keys
// share a bucket, so a bucket's first repeated entry is the smallest j there, and the
// smallest over the buckets is the answer. A single table over millions of entries
// misses the cache at nearly every probe (loading 10M ratings, alternating runs: 2.0-2.4 s
// with one table, 1.3-1.8 s with buckets).
template <class E>
std::optional<std::pair<std::size_t, std::size_t>>
find_duplicate_key_bucketed(const std::vector<E> &entries) {
  const std::size_t n = entries.size();
  int bits = 0; // about 32k entries per bucket
  while (bits < 16 && (n >> bits) > (std::size_t{1} << 15))
    ++bits;
  const std::size_t buckets = std::size_t{1} << bits;
  const auto bucket_of = [bits](std::uint64_t h) {
    return bits == 0 ? std::size_t{0} : static_cast<std::size_t>(h >> (64 - bits));
  };
  std::vector<std::uint32_t> begin(buckets + 1, 0);
  for (const E &e : entries)
    ++begin[bucket_of(hash_key(e.key)) + 1];
  for (std::size_t b = 0; b < buckets; ++b)
    begin[b + 1] += begin[b];
  struct Item {
    std::uint32_t fingerprint; // hash bits below the bucket's
    std::uint32_t position;
  };
  std::vector<Item> items(n);
  {
    std::vector<std::uint32_t> next(begin.begin(), begin.end() - 1);
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t h = hash_key(entries[j].key);
      items[next[bucket_of(h)]++] =
          Item{static_cast<std::uint32_t>(h >> (32 - bits)), static_cast<std::uint32_t>(j)};
    }
  }
  std::optional<std::pair<std::size_t, std::size_t>> found;
  std::vector<std::uint32_t> table; // item index + 1 within the bucket, 0 = empty
  for (std::size_t b = 0; b < buckets; ++b) {
    const std::uint32_t first = begin[b], size = begin[b + 1] - first;
    std::size_t capacity = 16;
    while (capacity * 7 < std::size_t{size} * 10)
      capacity *= 2;
    table.assign(capacity, 0);
    const std::size_t mask = capacity - 1;
    for (std::uint32_t k = 0; k < size; ++k) {
      const Item item = items[first + k];
      if (found && item.position >= found->second)
        break; // a later repeat than the one found: this bucket cannot improve on it
      std::size_t h = static_cast<std::size_t>(item.fingerprint) & mask;
      bool repeated = false;
      while (table[h] != 0) {
        const Item other = items[first + table[h] - 1];
        if (other.fingerprint == item.fingerprint &&
            entries[other.position].key == entries[item.position].key) {
          found = std::make_pair(std::size_t{other.position}, std::size_t{item.position});
          repeated = true;
          break;
        }
        h = (h + 1) & mask;
      }
      if (repeated)
        break;
      table[h] = k + 1;
    }
  }
  return found;
}

// Returns positions i < j of two entries with equal keys, j as small as possible (so the
// reported line is the first repeated one in file order), or nothing if keys are unique.
template <class E>
std::optional<std::pair<std::size_t, std::size_t>>
find_duplicate_key(const std::vector<E> &entries) {
  if (entries.size() < std::numeric_limits<std::uint32_t>::max()) {
    return find_duplicate_key_bucketed(entries);
  }
  return find_duplicate_key_with<std::uint64_t>(entries);
}

} // namespace weft::detail
