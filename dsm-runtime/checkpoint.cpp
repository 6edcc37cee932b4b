// Checkpoints: of hand-written training loops (Checkpoint) and of every program's
// annotated loops (LoopCheckpoints); atomic files per process, a manifest last.
#include "weft/rt/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <tuple>

#include "weft/rt/loop.h"
#include "weft/rt/partitioning.h"
#include "weft/rt/wavefront.h"

namespace weft::rt {
namespace {

namespace fs = std::filesystem;
using Value = Checkpoint::Value;

constexpr char kMagic[8] = {'W', 'E', 'F', 'T', 'C', 'K', 'P', '1'};

// FNV-1a, 64 bits.
struct Checksum {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void add(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= p[i];
      h *= 0x100000001b3ULL;
    }
  }
};

std::string hex(std::uint64_t v) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
  return text;
}

std::string checkpoint_dir(const std::string& directory, const std::string& prefix, std::int64_t index) {
  return directory + "/" + prefix + std::to_string(index);
}

std::string rank_file(int rank) { return "rank-" + std::to_string(rank) + ".bin"; }

[[noreturn]] void io_error(const std::string& path, const char* what) {
  throw weft::Error(path + ": " + what + ": " + std::strerror(errno));
}

void sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) io_error(path, "cannot open for fsync");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) io_error(path, "cannot fsync");
}

// Writes a file through a temporary in the same directory: flushed to disk, renamed over
// `path`, and the directory flushed, so that `path` is either absent or complete.
class AtomicWriter {
 public:
  explicit AtomicWriter(std::string path) : path_(std::move(path)), temp_(path_ + ".tmp." + std::to_string(::getpid())) {
    file_ = std::fopen(temp_.c_str(), "wb");
    if (!file_) io_error(temp_, "cannot create");
  }
  ~AtomicWriter() {
    if (file_) {
      std::fclose(file_);
      std::remove(temp_.c_str());
    }
  }
  void write(const void* data, std::size_t n) {
    if (n > 0 && std::fwrite(data, 1, n, file_) != n) io_error(temp_, "cannot write");
    checksum_.add(data, n);
    bytes_ += n;
  }
  template <class T>
  void put(const T& v) {
    write(&v, sizeof v);
  }
  // Appends the checksum of everything before it, then commits.
  void commit(bool with_checksum) {
    if (with_checksum) {
      const std::uint64_t c = checksum_.h;
      if (std::fwrite(&c, 1, sizeof c, file_) != sizeof c) io_error(temp_, "cannot write");
      bytes_ += sizeof c;
    }
    if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) io_error(temp_, "cannot flush");
    if (std::fclose(file_) != 0) {
      file_ = nullptr;
      io_error(temp_, "cannot close");
    }
    file_ = nullptr;
    if (std::rename(temp_.c_str(), path_.c_str()) != 0) io_error(path_, "cannot rename the temporary file to");
    sync_path(fs::path(path_).parent_path().string(), O_RDONLY | O_DIRECTORY);
  }
  std::uint64_t checksum() const { return checksum_.h; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  std::string path_, temp_;
  std::FILE* file_ = nullptr;
  Checksum checksum_;
  std::uint64_t bytes_ = 0;
};

// The array cut into a grid by every tile edge: each cell lies in one tile (written by
// its owner) or in none (current everywhere: written by process row % P).
std::vector<Tile> cells_of(const Layout& layout, const Geometry& g, int processes) {
  std::vector<std::int64_t> rows = {0, g.rows}, cols = {0, g.cols};
  for (const Tile& t : layout.tiles) {
    rows.insert(rows.end(), {t.row_begin, t.row_end});
    cols.insert(cols.end(), {t.col_begin, t.col_end});
  }
  for (auto* v : {&rows, &cols}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  std::vector<Tile> cells;
  for (std::size_t r = 0; r + 1 < rows.size(); ++r) {
    for (std::size_t c = 0; c + 1 < cols.size(); ++c) {
      Tile cell{rows[r], rows[r + 1], cols[c], cols[c + 1], static_cast<int>(r % static_cast<std::size_t>(processes))};
      for (const Tile& t : layout.tiles) {
        if (cell.row_begin >= t.row_begin && cell.row_end <= t.row_end && cell.col_begin >= t.col_begin &&
            cell.col_end <= t.col_end) {
          cell.owner = t.owner;
        }
      }
      if (!cell.empty()) cells.push_back(cell);
    }
  }
  // A whole array: share its rows out evenly instead of by the single grid row.
  if (layout.whole()) {
    cells.clear();
    const auto b = range_bounds(g.rows, processes);
    for (int q = 0; q < processes; ++q) {
      if (b[q + 1] > b[q]) cells.push_back(Tile{b[q], b[q + 1], 0, g.cols, q});
    }
  }
  return cells;
}

struct Header {
  char magic[8];
  std::uint32_t version, rank, processes, arrays, values, reserved;
  std::int64_t epoch;
};

// An array a checkpoint holds: its handle, and its record (nullptr: whole, no record).
struct StoredArray {
  ArrayHandle handle;
  ArrayRecord* record = nullptr;
};

// Reads a whole file; nullopt if it cannot be read.
std::optional<std::vector<std::byte>> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  const std::streamsize size = in.tellg();
  in.seekg(0);
  std::vector<std::byte> data(static_cast<std::size_t>(std::max<std::streamsize>(size, 0)));
  if (!in.read(reinterpret_cast<char*>(data.data()), size)) return std::nullopt;
  return data;
}

// Checks a rank file against its manifest entry: "" (and its bytes in `data`), or why it
// does not match.
std::string check_file(const std::string& path, std::uint64_t bytes, std::uint64_t checksum,
                       std::vector<std::byte>* data = nullptr) {
  auto content = slurp(path);
  if (!content) return fs::path(path).filename().string() + " cannot be read";
  const std::string name = fs::path(path).filename().string();
  if (content->size() != bytes) {
    return name + " has " + std::to_string(content->size()) + " bytes, its manifest says " + std::to_string(bytes);
  }
  if (bytes < sizeof(std::uint64_t)) return name + " is too short";
  Checksum c;
  c.add(content->data(), content->size() - sizeof(std::uint64_t));
  std::uint64_t stored = 0;
  std::memcpy(&stored, content->data() + content->size() - sizeof stored, sizeof stored);
  if (stored != c.h || c.h != checksum) return name + " does not match its checksum";
  if (data) *data = std::move(*content);
  return "";
}

struct Manifest {
  std::int64_t epoch = -1;
  int processes = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> files;  // bytes, checksum
  nlohmann::json json;
};

// Parses a manifest: nullopt and `why` if it is not a usable one.
std::optional<Manifest> parse_manifest(const std::string& text, std::string& why) {
  try {
    Manifest m;
    m.json = nlohmann::json::parse(text);
    m.epoch = m.json.at("epoch").get<std::int64_t>();
    m.processes = m.json.at("processes").get<int>();
    for (const auto& f : m.json.at("files")) {
      m.files.emplace_back(f.at("bytes").get<std::uint64_t>(),
                           std::stoull(f.at("checksum").get<std::string>(), nullptr, 16));
    }
    if (m.processes < 1 || static_cast<int>(m.files.size()) != m.processes) {
      why = "manifest.json lists " + std::to_string(m.files.size()) + " files for " + std::to_string(m.processes) +
            " processes";
      return std::nullopt;
    }
    return m;
  } catch (const std::exception& e) {
    why = std::string("manifest.json is not a checkpoint manifest (") + e.what() + ")";
    return std::nullopt;
  }
}

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return s.str();
}

// Indices of the checkpoint directories <prefix><index> under `directory`, newest first.
std::vector<std::int64_t> indices_in(const std::string& directory, const std::string& prefix) {
  std::vector<std::int64_t> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || !entry.is_directory(ec)) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    found.push_back(std::stoll(digits));
  }
  std::sort(found.rbegin(), found.rend());
  return found;
}

// Every process throws the error of the lowest process that has one (collective).
void agree(Transport& net, const std::optional<std::string>& mine) {
  std::int64_t first = mine ? net.rank() : std::numeric_limits<std::int64_t>::max();
  net.allreduce_min(&first, 1);
  if (first == std::numeric_limits<std::int64_t>::max()) return;
  std::string message = first == net.rank() ? *mine : std::string();
  message = net.broadcast(message, static_cast<int>(first));
  throw weft::Error(message);
}

// Whether `dir` holds a manifest that parses (retention: a complete checkpoint).
bool complete(const std::string& dir) {
  const auto text = read_text(dir + "/manifest.json");
  std::string why;
  return text && parse_manifest(*text, why).has_value();
}

// Writes checkpoint <directory>/<prefix><index> (collective): every process its rank
// file, then rank 0 the manifest (with what `extra` adds) and the retention: the new
// checkpoint and the newest complete one older than it are kept, every other
// <prefix>* directory goes (older ones, and newer ones that a run abandoned by a crash
// or an earlier job left).
void write_checkpoint(Session& session, const std::string& directory, const std::string& prefix, std::int64_t index,
                      const std::string& name, const std::vector<StoredArray>& arrays, const std::vector<Value>& values,
                      const std::function<void(nlohmann::json&)>& extra) {
  Transport& net = session.transport();
  const int me = net.rank(), p = net.size();
  const std::string dir = checkpoint_dir(directory, prefix, index);
  const std::string what = "checkpoint " + dir + ": ";
  std::optional<std::string> error;

  // The directory, without a manifest while its files are rewritten.
  if (me == 0) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
      error = "rank 0: " + what + "cannot create the directory: " + ec.message();
    } else if (!fs::remove(dir + "/manifest.json", ec) && ec) {
      error = "rank 0: " + what + "cannot remove the old manifest.json: " + ec.message();
    }
  }
  agree(net, error);

  std::uint64_t sums[2] = {0, 0};  // bytes, checksum
  try {
    AtomicWriter out(dir + "/" + rank_file(me));
    Header h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.version = 1;
    h.rank = static_cast<std::uint32_t>(me);
    h.processes = static_cast<std::uint32_t>(p);
    h.arrays = static_cast<std::uint32_t>(arrays.size());
    h.values = me == 0 ? static_cast<std::uint32_t>(values.size()) : 0;
    h.epoch = index;
    out.put(h);
    for (std::size_t k = 0; k < arrays.size(); ++k) {
      const ArrayHandle& a = arrays[k].handle;
      ArrayRecord* record = arrays[k].record;
      const Layout layout = record ? record->layout() : Layout{};
      std::vector<Tile> mine;
      for (const Tile& t : cells_of(layout, a.geometry, p)) {
        if (t.owner == me) mine.push_back(t);
      }
      out.put(static_cast<std::uint32_t>(k));
      out.put(a.geometry.rows);
      out.put(a.geometry.cols);
      out.put(a.geometry.cell_bytes);
      out.put(static_cast<std::uint32_t>(mine.size()));
      const auto write_tiles = [&] {
        for (const Tile& t : mine) {
          out.put(t.row_begin);
          out.put(t.row_end);
          out.put(t.col_begin);
          out.put(t.col_end);
          const std::int64_t run = t.cols() * a.geometry.cell_bytes;
          for (std::int64_t r = t.row_begin; r < t.row_end; ++r) {
            out.write(a.storage + r * a.geometry.row_bytes() + t.col_begin * a.geometry.cell_bytes,
                      static_cast<std::size_t>(run));
          }
        }
      };
      // A partitioned array's pages may be protected: read them without making it whole.
      if (record) {
        record->read_storage(write_tiles);
      } else {
        write_tiles();
      }
    }
    if (me == 0) {
      for (const Value& v : values) {
        out.put(static_cast<std::uint64_t>(v.bytes));
        out.write(v.data, v.bytes);
      }
    }
    out.commit(/*with_checksum*/ true);
    sums[0] = out.bytes();
    sums[1] = out.checksum();
  } catch (const std::exception& e) {
    error = "rank " + std::to_string(me) + ": " + what + e.what();
  }
  agree(net, error);

  std::vector<std::int64_t> counts;
  const std::vector<std::byte> all = net.allgatherv(sums, sizeof sums, counts, Kind::Control);
  if (me == 0) {
    try {
      nlohmann::json j;
      j["name"] = name;
      j["epoch"] = index;
      j["processes"] = p;
      j["arrays"] = arrays.size();
      j["values"] = values.size();
      j["files"] = nlohmann::json::array();
      for (int q = 0; q < p; ++q) {
        std::uint64_t s[2];
        std::memcpy(s, all.data() + static_cast<std::size_t>(q) * sizeof s, sizeof s);
        j["files"].push_back({{"file", rank_file(q)}, {"bytes", s[0]}, {"checksum", hex(s[1])}});
      }
      if (extra) extra(j);
      const std::string text = j.dump(2) + "\n";
      AtomicWriter manifest(dir + "/manifest.json");
      manifest.write(text.data(), text.size());
      manifest.commit(/*with_checksum*/ false);
      bool kept_older = false;
      for (std::int64_t e : indices_in(directory, prefix)) {
        if (e == index) continue;
        if (e < index && !kept_older && complete(checkpoint_dir(directory, prefix, e))) {
          kept_older = true;
          continue;
        }
        fs::remove_all(checkpoint_dir(directory, prefix, e));
      }
    } catch (const std::exception& e) {
      error = "rank 0: " + what + e.what();
    }
  }
  agree(net, error);
}

// The checkpoint a restart resumes from (see checkpoint.h): its index (-1: none, start
// afresh) and manifest. Collective: rank 0 looks, prints the notes and warnings, and
// tells every process; a damaged newest checkpoint with nothing older usable is a
// weft::Error on every process.
struct Chosen {
  std::int64_t index = -1;
  std::string dir;
  Manifest manifest;
};

Chosen choose_checkpoint(Transport& net, const std::string& directory, const std::string& prefix,
                         const char* fresh_start) {
  std::int64_t status = 0;  // 0: none, 1: chosen, 2: error
  std::int64_t index = -1;
  std::string text;  // the manifest, or the error
  if (net.rank() == 0) {
    std::vector<std::pair<std::string, std::string>> damaged;  // dir, why
    for (std::int64_t e : indices_in(directory, prefix)) {
      const std::string dir = checkpoint_dir(directory, prefix, e);
      std::error_code ec;
      if (!fs::exists(dir + "/manifest.json", ec)) {
        std::fprintf(stderr, "weft: restart: skipping %s: it has no manifest.json (its writing was interrupted)\n",
                     dir.c_str());
        continue;
      }
      std::string why;
      const auto manifest_text = read_text(dir + "/manifest.json");
      std::optional<Manifest> m;
      if (!manifest_text) {
        why = "manifest.json cannot be read";
      } else {
        m = parse_manifest(*manifest_text, why);
      }
      if (m && m->epoch != e) why = "manifest.json is that of " + prefix + std::to_string(m->epoch);
      for (int q = 0; m && why.empty() && q < m->processes; ++q) {
        why = check_file(dir + "/" + rank_file(q), m->files[q].first, m->files[q].second);
      }
      if (!why.empty()) {
        damaged.emplace_back(dir, why);
        continue;
      }
      status = 1;
      index = e;
      text = *manifest_text;
      for (const auto& [d, w] : damaged) {
        std::fprintf(stderr, "weft: warning: restart: skipping the damaged checkpoint %s (%s); using the older %s\n",
                     d.c_str(), w.c_str(), dir.c_str());
      }
      break;
    }
    if (status == 0 && !damaged.empty()) {
      status = 2;
      text = "restart: the checkpoint " + damaged.front().first + " is damaged (" + damaged.front().second +
             ") and there is no older usable checkpoint in " + directory;
      for (std::size_t k = 1; k < damaged.size(); ++k) {
        text += "; " + damaged[k].first + " is damaged too (" + damaged[k].second + ")";
      }
    } else if (status == 0) {
      std::fprintf(stderr, "weft: restart: no complete checkpoint in %s; starting from %s\n", directory.c_str(),
                   fresh_start);
    }
    std::fflush(stderr);
  }
  std::int64_t head[2] = {status, index};
  net.broadcast(head, sizeof head, 0);
  text = net.broadcast(text, 0);
  if (head[0] == 2) throw weft::Error(text);
  Chosen chosen;
  if (head[0] == 0) return chosen;
  chosen.index = head[1];
  chosen.dir = checkpoint_dir(directory, prefix, chosen.index);
  std::string why;
  auto m = parse_manifest(text, why);
  if (!m) throw weft::Error("restart: " + chosen.dir + ": " + why);
  chosen.manifest = std::move(*m);
  return chosen;
}

// Reads every rank file of a chosen checkpoint into `arrays` (made whole) and `values`.
// Throws weft::Error on this process (the caller agrees).
void load_checkpoint(const Chosen& chosen, const std::vector<StoredArray>& arrays, const std::vector<Value>& values) {
  const Manifest& m = chosen.manifest;
  for (const StoredArray& a : arrays) {
    if (a.record) a.record->declare_whole();
  }
  for (int q = 0; q < m.processes; ++q) {
    const std::string path = chosen.dir + "/" + rank_file(q);
    std::vector<std::byte> data;
    const std::string why = check_file(path, m.files[q].first, m.files[q].second, &data);
    if (!why.empty()) throw weft::Error(chosen.dir + ": " + why);
    const std::byte* in = data.data();
    const std::byte* end = data.data() + data.size() - sizeof(std::uint64_t);
    const auto take = [&](void* into, std::size_t n) {
      if (static_cast<std::size_t>(end - in) < n) throw weft::Error(path + ": shorter than its contents");
      std::memcpy(into, in, n);
      in += n;
    };
    Header h;
    take(&h, sizeof h);
    if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.version != 1) throw weft::Error(path + ": not a weft checkpoint");
    if (h.arrays != arrays.size() || (q == 0 && h.values != values.size())) {
      throw weft::Error(path + ": holds " + std::to_string(h.arrays) + " arrays and " + std::to_string(h.values) +
                        " values, but the program tracks " + std::to_string(arrays.size()) + " and " +
                        std::to_string(values.size()));
    }
    for (std::uint32_t k = 0; k < h.arrays; ++k) {
      std::uint32_t index, tiles;
      Geometry g;
      take(&index, sizeof index);
      take(&g.rows, sizeof g.rows);
      take(&g.cols, sizeof g.cols);
      take(&g.cell_bytes, sizeof g.cell_bytes);
      take(&tiles, sizeof tiles);
      if (index >= arrays.size()) throw weft::Error(path + ": array " + std::to_string(index) + " out of range");
      const ArrayHandle& a = arrays[index].handle;
      if (g.rows != a.geometry.rows || g.cols != a.geometry.cols || g.cell_bytes != a.geometry.cell_bytes) {
        throw weft::Error(path + ": array " + std::to_string(index) + " has another shape than the tracked " +
                          "DistArray of shape " + a.shape);
      }
      for (std::uint32_t t = 0; t < tiles; ++t) {
        Tile tile;
        take(&tile.row_begin, sizeof tile.row_begin);
        take(&tile.row_end, sizeof tile.row_end);
        take(&tile.col_begin, sizeof tile.col_begin);
        take(&tile.col_end, sizeof tile.col_end);
        if (tile.row_begin < 0 || tile.row_end > g.rows || tile.col_begin < 0 || tile.col_end > g.cols) {
          throw weft::Error(path + ": a tile lies outside array " + std::to_string(index));
        }
        const std::int64_t run = tile.cols() * g.cell_bytes;
        for (std::int64_t r = tile.row_begin; r < tile.row_end; ++r) {
          take(a.storage + r * g.row_bytes() + tile.col_begin * g.cell_bytes, static_cast<std::size_t>(run));
        }
      }
    }
    for (std::uint32_t v = 0; v < h.values; ++v) {
      std::uint64_t bytes;
      take(&bytes, sizeof bytes);
      if (bytes != values[v].bytes) throw weft::Error(path + ": value " + std::to_string(v) + " has another size");
      take(values[v].data, values[v].bytes);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Checksums of array contents (input arrays) and the digests of SparseArrays.

std::uint64_t digest_bytes(const std::byte* data, std::int64_t n) {
  std::uint64_t h = weft::detail::mix64(static_cast<std::uint64_t>(n));
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, data + i, 8);
    h = weft::detail::mix64(h ^ w) + weft::detail::kSplitmix64Gamma;
  }
  std::uint64_t tail = 0;
  if (i < n) std::memcpy(&tail, data + i, static_cast<std::size_t>(n - i));
  return weft::detail::mix64(h ^ tail);
}

struct DigestKey {
  const void* data;
  std::int64_t count;
  std::uint64_t version;
  std::int64_t first;
  bool operator<(const DigestKey& o) const {
    return std::tie(data, count, version, first) < std::tie(o.data, o.count, o.version, o.first);
  }
};
std::map<DigestKey, loop_checkpoint_detail::EntriesDigest>& digests() {
  static std::map<DigestKey, loop_checkpoint_detail::EntriesDigest> cache;
  return cache;
}

std::string format_list(const std::vector<std::int64_t>& v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + ")";
}

nlohmann::json to_json(const SpaceFingerprint& f) {
  return {{"kind", f.kind}, {"count", f.count}, {"bounds", f.bounds}, {"checksum", hex(f.checksum)}};
}

SpaceFingerprint space_from_json(const nlohmann::json& j) {
  SpaceFingerprint f;
  f.kind = j.at("kind").get<std::string>();
  f.count = j.at("count").get<std::int64_t>();
  f.bounds = j.at("bounds").get<std::vector<std::int64_t>>();
  f.checksum = std::stoull(j.at("checksum").get<std::string>(), nullptr, 16);
  return f;
}

std::string ordinal(std::int64_t n) {
  const std::int64_t t = n % 100;
  const char* suffix = (t >= 11 && t <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
  return std::to_string(n) + suffix;
}

// The executable's name, for the checkpoints' directory.
std::string program_name() {
  std::string name = program_invocation_short_name ? program_invocation_short_name : "";
  for (char& c : name) {
    if (c == '/' || c == '\\') c = '_';
  }
  return name.empty() || name == "." || name == ".." ? std::string("program") : name;
}

// While a restart replays the part that its checkpoint holds, the program's standard
// output goes to /dev/null.
class StdoutSilencer {
 public:
  ~StdoutSilencer() { restore(); }
  void silence() {
    if (saved_ >= 0) return;
    std::cout.flush();
    std::fflush(stdout);
    saved_ = ::dup(STDOUT_FILENO);
    if (saved_ < 0) return;
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) {
      ::dup2(null, STDOUT_FILENO);
      ::close(null);
    }
  }
  void restore() {
    if (saved_ < 0) return;
    std::cout.flush();
    std::fflush(stdout);  // what was printed while silenced goes to /dev/null
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
    saved_ = -1;
  }

 private:
  int saved_ = -1;
};

}  // namespace

// ---------------------------------------------------------------------------------------
// LoopCheckpoints: the checkpoints of a program's annotated loops (checkpoint.h).

class LoopCheckpoints final : public SessionObserver {
 public:
  explicit LoopCheckpoints(Session& session) : session_(session) { session_.add_observer(this); }
  ~LoopCheckpoints() {
    if (!ended_) session_.remove_observer(this);
  }

  // A hand-written Checkpoint took over.
  void turn_off() { off_ = true; }
  void forget(SessionObserver* o) { arrays_.erase(o); }
  void session_ended() override;
  bool loop_start(const char* executor, const char* id, const Footprint& footprint,
                  const std::function<SpaceFingerprint()>& space);

 private:
  struct Loop {
    std::string id;        // the body's type
    std::string executor;
    std::int64_t runs = 0;      // runs started before the current one
    std::int64_t last_run = 0;  // the index (1-based, over all loops) of its latest run
    SpaceFingerprint space;     // what its latest run iterates over
  };
  struct Tracked {
    std::int64_t id = 0;  // in the order loops first named the arrays
    ArrayHandle handle;
    ArrayRecord* record = nullptr;
    int first_loop = 0;
    bool written = false;  // a loop writes it, or a Buffer targets it
  };

  void start();
  void track(const ArrayHandle& handle, int loop, bool written);
  std::vector<const Tracked*> live_arrays() const;
  std::string loop_name(int loop) const {
    return "loop " + std::to_string(loop + 1) + " (" + loops_[static_cast<std::size_t>(loop)].executor + ")";
  }
  std::string array_name(const Tracked& a, std::size_t position) const;
  void write(std::int64_t runs_done, int loop, const Footprint& footprint);
  void restore(int loop, const Footprint& footprint);
  std::string differences(int loop, const Footprint& footprint, const std::vector<const Tracked*>& live) const;

  Session& session_;
  bool off_ = false;
  bool started_ = false;
  bool ended_ = false;
  std::string directory_;  // <checkpoint_dir>/<program>
  std::vector<Loop> loops_;
  std::map<std::string, int> loop_index_;
  std::map<SessionObserver*, Tracked> arrays_;  // by record
  std::int64_t next_array_ = 0;
  std::int64_t runs_ = 0;              // runs started
  std::int64_t last_checkpoint_ = -1;  // the runs done at the newest checkpoint written or restored
  // A restart: the checkpoint, until its run starts.
  bool restoring_ = false;
  Chosen chosen_;
  StdoutSilencer silencer_;
};

void observer_removed(LoopCheckpoints& checkpoints, SessionObserver* o) { checkpoints.forget(o); }

namespace {

// The session's LoopCheckpoints, made on first use; nullptr for a session that split()
// made (its loops are not the program's).
LoopCheckpoints* loop_checkpoints_of(Session& session) {
  Session* root = nullptr;
  try {
    root = &Session::current();
  } catch (const weft::Error&) {
    return nullptr;
  }
  if (root != &session) return nullptr;
  auto& held = session.loop_checkpoints();
  if (!held) held = std::make_shared<LoopCheckpoints>(session);
  return held.get();
}

}  // namespace

void LoopCheckpoints::session_ended() {
  ended_ = true;
  silencer_.restore();
  if (restoring_ && std::uncaught_exceptions() == 0 && !session_.failed()) {
    if (session_.rank() == 0) {
      std::fprintf(stderr,
                   "weft: error: restart: the program ended after %lld loop runs, before run %lld, where the checkpoint "
                   "%s resumes: it took another path than the run that wrote it (other arguments, such as fewer "
                   "epochs?)\n",
                   static_cast<long long>(runs_), static_cast<long long>(chosen_.index + 1), chosen_.dir.c_str());
      std::fflush(stderr);
    }
    session_.mark_failed();
  }
}

void LoopCheckpoints::start() {
  started_ = true;
  directory_ = session_.options().checkpoint_dir + "/" + program_name();
  if (!session_.options().restart) return;
  chosen_ = choose_checkpoint(session_.transport(), directory_, "runs-", "the beginning");
  if (chosen_.index < 0) return;
  restoring_ = true;
  silencer_.silence();
}

void LoopCheckpoints::track(const ArrayHandle& handle, int loop, bool written) {
  ArrayRecord* before = existing_record(handle);
  const bool fresh = before == nullptr || before->session() != &session_;
  ArrayRecord& record = record_of(session_, handle);
  SessionObserver* key = &record;
  auto it = arrays_.find(key);
  if (fresh || it == arrays_.end()) {
    Tracked t;
    t.id = next_array_++;
    t.handle = handle;
    t.record = &record;
    t.first_loop = loop;
    t.written = written;
    arrays_[key] = t;
  } else {
    it->second.handle = handle;
    it->second.written = it->second.written || written;
  }
}

std::vector<const LoopCheckpoints::Tracked*> LoopCheckpoints::live_arrays() const {
  std::vector<const Tracked*> live;
  for (const auto& [key, t] : arrays_) live.push_back(&t);
  std::sort(live.begin(), live.end(), [](const Tracked* a, const Tracked* b) { return a->id < b->id; });
  return live;
}

std::string LoopCheckpoints::array_name(const Tracked& a, std::size_t position) const {
  const Loop& first = loops_[static_cast<std::size_t>(a.first_loop)];
  return "the " + ordinal(static_cast<std::int64_t>(position + 1)) + " DistArray that the loops name (" +
         (a.written ? "written" : "read") + " by loop " + std::to_string(a.first_loop + 1) + ", " + first.executor +
         ")";
}

bool LoopCheckpoints::loop_start(const char* executor, const char* id, const Footprint& footprint,
                                 const std::function<SpaceFingerprint()>& space) {
  if (off_ || session_.in_loop() || !session_.on_main_thread()) return false;
  if (!started_) start();
  const auto [it, inserted] = loop_index_.emplace(id, static_cast<int>(loops_.size()));
  if (inserted) {
    Loop added;
    added.id = id;
    added.executor = executor;
    loops_.push_back(added);
  }
  const int l = it->second;
  for (const auto& w : footprint.writes()) track(w.handle, l, true);
  for (const auto& b : footprint.buffers()) track(b->target(), l, true);
  for (const auto& r : footprint.reads()) track(r.handle, l, false);
  loops_[static_cast<std::size_t>(l)].space = space();

  const std::int64_t run = ++runs_;
  Loop& loop = loops_[static_cast<std::size_t>(l)];
  bool skip = false;
  if (restoring_) {
    if (run <= chosen_.index) {
      skip = true;
    } else {
      restore(l, footprint);
    }
  } else {
    const int every = session_.options().checkpoint_every;
    if (every > 0 && loop.runs > 0 && loop.runs % every == 0 && last_checkpoint_ < loop.last_run) {
      write(run - 1, l, footprint);
    }
  }
  loop.runs += 1;
  loop.last_run = run;
  return skip;
}

void LoopCheckpoints::write(std::int64_t runs_done, int loop, const Footprint& footprint) {
  const std::vector<const Tracked*> live = live_arrays();
  std::vector<StoredArray> state;
  for (const Tracked* a : live) {
    if (a->written) state.push_back(StoredArray{a->handle, a->record});
  }
  std::vector<Value> values;
  for (const auto& r : footprint.reductions()) values.push_back(Value{r->value_bytes(), r->value_size()});

  const auto program = [&](nlohmann::json& j) {
    nlohmann::json p;
    p["runs"] = runs_done;
    p["next_loop"] = loop;
    p["loops"] = nlohmann::json::array();
    for (const Loop& l : loops_) {
      p["loops"].push_back({{"id", l.id}, {"executor", l.executor}, {"runs", l.runs}, {"space", to_json(l.space)}});
    }
    p["arrays"] = nlohmann::json::array();
    for (const Tracked* a : live) {
      nlohmann::json aj = {{"shape", a->handle.shape},
                           {"rows", a->handle.geometry.rows},
                           {"cols", a->handle.geometry.cols},
                           {"cell_bytes", a->handle.geometry.cell_bytes},
                           {"first_loop", a->first_loop},
                           {"written", a->written}};
      // An input array (no loop writes it) is whole and unprotected on every process.
      if (!a->written) aj["checksum"] = hex(digest_bytes(a->handle.storage, a->handle.geometry.bytes()));
      p["arrays"].push_back(aj);
    }
    p["accumulators"] = nlohmann::json::array();
    for (const Value& v : values) p["accumulators"].push_back(v.bytes);
    j["program"] = p;
  };
  write_checkpoint(session_, directory_, "runs-", runs_done, program_name(), state, values, program);
  last_checkpoint_ = runs_done;
}

std::string LoopCheckpoints::differences(int loop, const Footprint& footprint,
                                         const std::vector<const Tracked*>& live) const {
  const nlohmann::json& p = chosen_.manifest.json.at("program");
  std::vector<std::string> found;

  // The loops and how often each ran: the path the program took.
  const auto& then_loops = p.at("loops");
  bool same_loops = then_loops.size() == loops_.size();
  for (std::size_t l = 0; same_loops && l < loops_.size(); ++l) {
    same_loops = then_loops[l].at("id").get<std::string>() == loops_[l].id;
  }
  if (!same_loops) {
    return "the annotated loops that ran before this point (" + std::to_string(loops_.size()) +
           ") are not those of the run that wrote it (" + std::to_string(then_loops.size()) +
           "): another program, another build of it, or another path through it";
  }
  for (std::size_t l = 0; l < loops_.size(); ++l) {
    const auto then_runs = then_loops[l].at("runs").get<std::int64_t>();
    if (then_runs != loops_[l].runs) {
      found.push_back(loop_name(static_cast<int>(l)) + " ran " + std::to_string(loops_[l].runs) +
                      " times before this point, but " + std::to_string(then_runs) +
                      " times in the run that wrote it: the program took another path (other arguments or inputs?)");
    }
  }
  if (p.at("next_loop").get<int>() != loop) {
    found.push_back("loop run " + std::to_string(runs_) + " is one of " + loop_name(loop) + ", but one of " +
                    loop_name(p.at("next_loop").get<int>()) + " in the run that wrote it");
  }
  if (!found.empty()) return found.front();

  // The arrays: shapes, and the contents of the input arrays.
  const auto& then_arrays = p.at("arrays");
  if (then_arrays.size() != live.size()) {
    found.push_back("the loops name " + std::to_string(live.size()) + " live DistArrays at this point, but " +
                    std::to_string(then_arrays.size()) + " in the run that wrote it");
  } else {
    for (std::size_t k = 0; k < live.size(); ++k) {
      const Tracked& a = *live[k];
      const nlohmann::json& t = then_arrays[k];
      const std::string then_shape = t.at("shape").get<std::string>();
      const auto then_cell = t.at("cell_bytes").get<std::int64_t>();
      if (then_shape != a.handle.shape || t.at("rows").get<std::int64_t>() != a.handle.geometry.rows ||
          t.at("cols").get<std::int64_t>() != a.handle.geometry.cols) {
        found.push_back(array_name(a, k) + " has shape " + a.handle.shape + " now but " + then_shape +
                        " in the checkpoint");
      } else if (then_cell != a.handle.geometry.cell_bytes) {
        found.push_back(array_name(a, k) + " has elements of " + std::to_string(a.handle.geometry.cell_bytes) +
                        " bytes per cell now but " + std::to_string(then_cell) + " in the checkpoint");
      } else if (t.at("written").get<bool>() != a.written) {
        found.push_back(array_name(a, k) + " is " + (a.written ? "" : "not ") + "written by a loop now but " +
                        (a.written ? "was not" : "was") + " in the checkpoint's run");
      } else if (!a.written) {
        const std::string now = hex(digest_bytes(a.handle.storage, a.handle.geometry.bytes()));
        if (now != t.at("checksum").get<std::string>()) {
          found.push_back(array_name(a, k) + ", of shape " + a.handle.shape +
                          ", which no loop writes, holds other values now than in the checkpoint");
        }
      }
    }
  }
  // What each loop iterates over: the inputs.
  for (std::size_t l = 0; l < loops_.size(); ++l) {
    const SpaceFingerprint then = space_from_json(then_loops[l].at("space"));
    if (then != loops_[l].space) {
      found.push_back(loop_name(static_cast<int>(l)) + " runs over other data: " + loops_[l].space.describe() +
                      " now but " + then.describe() + " in the checkpoint");
    }
  }
  // The accumulators of this run.
  const auto& then_acc = p.at("accumulators");
  bool same_acc = then_acc.size() == footprint.reductions().size();
  for (std::size_t k = 0; same_acc && k < then_acc.size(); ++k) {
    same_acc = then_acc[k].get<std::size_t>() == footprint.reductions()[k]->value_size();
  }
  if (!same_acc) {
    found.push_back(loop_name(loop) + " folds into " + std::to_string(footprint.reductions().size()) +
                    " Accumulators of other types than in the run that wrote it");
  }
  std::string text;
  for (std::size_t k = 0; k < found.size() && k < 6; ++k) text += (k ? "; " : "") + found[k];
  if (found.size() > 6) text += "; and " + std::to_string(found.size() - 6) + " more";
  if (!text.empty()) text = "the inputs or shapes differ from the run that wrote it (other data or arguments?): " + text;
  return text;
}

void LoopCheckpoints::restore(int loop, const Footprint& footprint) {
  Transport& net = session_.transport();
  // Whatever comes of it, the restart is over: the program's output is its own again.
  restoring_ = false;
  silencer_.restore();
  const std::vector<const Tracked*> live = live_arrays();
  std::optional<std::string> error;
  try {
    const std::string what = differences(loop, footprint, live);
    if (!what.empty()) error = "restart from " + chosen_.dir + ": " + what;
  } catch (const std::exception& e) {
    error = "restart from " + chosen_.dir + ": its manifest is not one of a program's loops (" + e.what() + ")";
  }
  agree(net, error);

  std::vector<StoredArray> state;
  for (const Tracked* a : live) {
    if (a->written) state.push_back(StoredArray{a->handle, a->record});
  }
  std::vector<Value> values;
  for (const auto& r : footprint.reductions()) values.push_back(Value{r->value_bytes(), r->value_size()});
  try {
    load_checkpoint(chosen_, state, values);
  } catch (const std::exception& e) {
    error = "rank " + std::to_string(net.rank()) + ": restart from " + chosen_.dir + ": " + e.what();
  }
  agree(net, error);
  last_checkpoint_ = chosen_.index;
  if (net.rank() == 0) {
    std::string counts;
    for (std::size_t l = 0; l < loops_.size(); ++l) {
      counts += std::string(l == 0 ? "" : l + 1 == loops_.size() ? " and " : ", ") + std::to_string(loops_[l].runs) +
                (l == 0 ? " runs of " : " of ") + loop_name(static_cast<int>(l));
    }
    std::fprintf(stderr,
                 "weft: restart: resumed at loop run %lld from the checkpoint %s, which holds %s; what the program "
                 "printed on stdout during those runs is not printed again\n",
                 static_cast<long long>(runs_), chosen_.dir.c_str(), counts.c_str());
    std::fflush(stderr);
  }
}

namespace loop_checkpoint_detail {

bool loop_start(Session& session, const char* executor, const char* loop, const Footprint& footprint,
                const std::function<SpaceFingerprint()>& space) {
  LoopCheckpoints* checkpoints = loop_checkpoints_of(session);
  if (checkpoints == nullptr) return false;
  return checkpoints->loop_start(executor, loop, footprint, space);
}

bool cached_digest(const void* data, std::int64_t count, std::uint64_t version, std::int64_t first,
                   EntriesDigest& out) {
  const auto it = digests().find(DigestKey{data, count, version, first});
  if (it == digests().end()) return false;
  out = it->second;
  return true;
}

void store_digest(const void* data, std::int64_t count, std::uint64_t version, std::int64_t first,
                  const EntriesDigest& digest) {
  auto& cache = digests();
  if (cache.size() > 64) cache.clear();
  cache[DigestKey{data, count, version, first}] = digest;
}

SpaceFingerprint entries_fingerprint(Session& session, bool sliced, const EntriesDigest& mine) {
  SpaceFingerprint f;
  f.kind = "entries";
  f.count = mine.count;
  f.bounds = mine.extents;
  f.checksum = mine.sum;
  if (sliced) {
    Transport& net = session.transport();
    // The sum of 64-bit hashes, as two 32-bit halves (int64 sums do not overflow).
    std::int64_t sums[3] = {mine.count, static_cast<std::int64_t>(mine.sum & 0xffffffffULL),
                            static_cast<std::int64_t>(mine.sum >> 32)};
    net.allreduce_sum(sums, 3);
    f.count = sums[0];
    f.checksum = static_cast<std::uint64_t>(sums[1]) + (static_cast<std::uint64_t>(sums[2]) << 32);
    if (!f.bounds.empty()) net.allreduce_max(f.bounds.data(), static_cast<int>(f.bounds.size()));
  }
  return f;
}

}  // namespace loop_checkpoint_detail

std::string SpaceFingerprint::describe() const {
  if (kind == "entries") {
    return std::to_string(count) + " entries, key extents " + format_list(bounds) + ", checksum " + hex(checksum);
  }
  std::string s = "iterations";
  for (std::size_t k = 0; k + 1 < bounds.size(); k += 2) {
    s += (k ? " x " : " ") + std::string("[") + std::to_string(bounds[k]) + ", " + std::to_string(bounds[k + 1]) + ")";
  }
  return s;
}

SpaceFingerprint space_fingerprint(Session&, const IndexRange& range) {
  SpaceFingerprint f;
  f.kind = "range";
  f.count = std::max<std::int64_t>(0, range.end - range.begin);
  f.bounds = {range.begin, range.end};
  return f;
}

SpaceFingerprint space_fingerprint(Session&, const Wavefront& space) {
  SpaceFingerprint f;
  f.kind = "wavefront";
  f.count = std::max<std::int64_t>(0, space.rows.end - space.rows.begin) *
            std::max<std::int64_t>(0, space.cols.end - space.cols.begin);
  f.bounds = {space.rows.begin, space.rows.end, space.cols.begin, space.cols.end};
  return f;
}

// ---------------------------------------------------------------------------------------
// Checkpoint

Checkpoint::Checkpoint(Session& session, std::string name, std::string directory)
    : session_(session),
      name_(std::move(name)),
      directory_((directory.empty() ? session.options().checkpoint_dir : directory) + "/" + name_) {
  if (LoopCheckpoints* automatic = loop_checkpoints_of(session)) automatic->turn_off();
}

void Checkpoint::end_epoch(int epoch) {
  const int every = session_.options().checkpoint_every;
  if (every > 0 && (epoch + 1) % every == 0) write(epoch);
}

void Checkpoint::write(int epoch) {
  std::vector<StoredArray> arrays;
  for (const ArrayHandle& a : arrays_) arrays.push_back(StoredArray{a, existing_record(a)});
  write_checkpoint(session_, directory_, "epoch-", epoch, name_, arrays, values_, nullptr);
}

int Checkpoint::resume() { return session_.options().restart ? load_newest() : 0; }

int Checkpoint::load_newest() {
  Transport& net = session_.transport();
  const Chosen chosen = choose_checkpoint(net, directory_, "epoch-", "epoch 0");
  if (chosen.index < 0) return 0;
  std::vector<StoredArray> arrays;
  for (const ArrayHandle& a : arrays_) arrays.push_back(StoredArray{a, existing_record(a)});
  std::optional<std::string> error;
  try {
    load_checkpoint(chosen, arrays, values_);
  } catch (const std::exception& e) {
    error = std::string("rank ") + std::to_string(net.rank()) + ": restart: " + e.what();
  }
  agree(net, error);
  if (net.rank() == 0) {
    std::fprintf(stderr, "weft: resumed from the checkpoint of epoch %lld in %s\n", static_cast<long long>(chosen.index),
                 directory_.c_str());
  }
  return static_cast<int>(chosen.index) + 1;
}

}  // namespace weft::rt
