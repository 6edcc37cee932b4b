// Checkpoints of tracked arrays and values: atomic files per process, a manifest last.
#include "weft/rt/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "weft/rt/partitioning.h"
#include "weft/rt/sparse.h"

namespace weft::rt {
namespace {

namespace fs = std::filesystem;

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

std::string epoch_dir(const std::string& directory, int epoch) {
  return directory + "/epoch-" + std::to_string(epoch);
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

// Checks a rank file against its manifest entry; returns its bytes if it matches.
std::optional<std::vector<std::byte>> verified(const std::string& path, std::uint64_t bytes, std::uint64_t checksum) {
  auto data = slurp(path);
  if (!data || data->size() != bytes || bytes < sizeof(std::uint64_t)) return std::nullopt;
  Checksum c;
  c.add(data->data(), data->size() - sizeof(std::uint64_t));
  std::uint64_t stored = 0;
  std::memcpy(&stored, data->data() + data->size() - sizeof stored, sizeof stored);
  if (stored != c.h || c.h != checksum) return std::nullopt;
  return data;
}

struct Manifest {
  int epoch = -1;
  int processes = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> files;  // bytes, checksum
};

std::optional<Manifest> read_manifest(const std::string& dir) {
  std::ifstream in(dir + "/manifest.json");
  if (!in) return std::nullopt;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    Manifest m;
    m.epoch = j.at("epoch").get<int>();
    m.processes = j.at("processes").get<int>();
    for (const auto& f : j.at("files")) {
      m.files.emplace_back(f.at("bytes").get<std::uint64_t>(), std::stoull(f.at("checksum").get<std::string>(), nullptr, 16));
    }
    if (static_cast<int>(m.files.size()) != m.processes) return std::nullopt;
    return m;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Epochs of the checkpoint directories under `directory`, newest first.
std::vector<int> epochs_in(const std::string& directory) {
  std::vector<int> epochs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("epoch-", 0) != 0) continue;
    try {
      std::size_t used = 0;
      const int e = std::stoi(name.substr(6), &used);
      if (used == name.size() - 6 && e >= 0) epochs.push_back(e);
    } catch (const std::exception&) {
    }
  }
  std::sort(epochs.rbegin(), epochs.rend());
  return epochs;
}

void agree(Transport& net, const std::optional<std::string>& error) {
  std::optional<loading::LocalError> e;
  if (error) e = loading::LocalError{"", 0, *error};
  loading::agree_on_error(net, e, 0);
}

}  // namespace

Checkpoint::Checkpoint(Session& session, std::string name, std::string directory)
    : session_(session),
      name_(std::move(name)),
      directory_((directory.empty() ? session.options().checkpoint_dir : directory) + "/" + name_) {}

void Checkpoint::end_epoch(int epoch) {
  const int every = session_.options().checkpoint_every;
  if (every > 0 && (epoch + 1) % every == 0) write(epoch);
}

void Checkpoint::write(int epoch) {
  Transport& net = session_.transport();
  const int me = net.rank(), p = net.size();
  const std::string dir = epoch_dir(directory_, epoch);
  std::optional<std::string> error;
  std::uint64_t sums[2] = {0, 0};  // bytes, checksum
  try {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw weft::Error(dir + ": cannot create the checkpoint directory: " + ec.message());
    AtomicWriter out(dir + "/" + rank_file(me));
    Header h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.version = 1;
    h.rank = static_cast<std::uint32_t>(me);
    h.processes = static_cast<std::uint32_t>(p);
    h.arrays = static_cast<std::uint32_t>(arrays_.size());
    h.values = me == 0 ? static_cast<std::uint32_t>(values_.size()) : 0;
    h.epoch = epoch;
    out.put(h);
    for (std::size_t k = 0; k < arrays_.size(); ++k) {
      const ArrayHandle& a = arrays_[k];
      ArrayRecord* record = existing_record(a);
      const Layout layout = record ? record->layout() : Layout{};
      if (record) record->open_for_loop();  // read access to protected storage
      std::vector<Tile> mine;
      for (const Tile& t : cells_of(layout, a.geometry, p)) {
        if (t.owner == me) mine.push_back(t);
      }
      out.put(static_cast<std::uint32_t>(k));
      out.put(a.geometry.rows);
      out.put(a.geometry.cols);
      out.put(a.geometry.cell_bytes);
      out.put(static_cast<std::uint32_t>(mine.size()));
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
      if (record && !layout.whole()) record->finish(layout, *a.residency);  // protected again
    }
    if (me == 0) {
      for (const Value& v : values_) {
        out.put(static_cast<std::uint64_t>(v.bytes));
        out.write(v.data, v.bytes);
      }
    }
    out.commit(/*with_checksum*/ true);
    sums[0] = out.bytes();
    sums[1] = out.checksum();
  } catch (const std::exception& e) {
    error = std::string("rank ") + std::to_string(me) + ": checkpoint of epoch " + std::to_string(epoch) + ": " + e.what();
  }
  agree(net, error);

  std::vector<std::int64_t> counts;
  const std::vector<std::byte> all = net.allgatherv(sums, sizeof sums, counts, Kind::Control);
  if (me == 0) {
    try {
      nlohmann::json j;
      j["name"] = name_;
      j["epoch"] = epoch;
      j["processes"] = p;
      j["arrays"] = arrays_.size();
      j["values"] = values_.size();
      j["files"] = nlohmann::json::array();
      for (int q = 0; q < p; ++q) {
        std::uint64_t s[2];
        std::memcpy(s, all.data() + static_cast<std::size_t>(q) * sizeof s, sizeof s);
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(s[1]));
        j["files"].push_back({{"file", rank_file(q)}, {"bytes", s[0]}, {"checksum", hex}});
      }
      const std::string text = j.dump(2) + "\n";
      AtomicWriter manifest(dir + "/manifest.json");
      manifest.write(text.data(), text.size());
      manifest.commit(/*with_checksum*/ false);
      // Keep the two newest complete checkpoints (this one included); drop the rest.
      int complete = 0;
      for (int e : epochs_in(directory_)) {
        const bool is_complete = read_manifest(epoch_dir(directory_, e)).has_value();
        if (is_complete && ++complete <= 2) continue;
        if (e < epoch) fs::remove_all(epoch_dir(directory_, e));
      }
      error.reset();
    } catch (const std::exception& e) {
      error = std::string("rank 0: checkpoint of epoch ") + std::to_string(epoch) + ": " + e.what();
    }
  }
  agree(net, error);
}

int Checkpoint::resume() { return session_.options().restart ? load_newest() : 0; }

int Checkpoint::load_newest() {
  Transport& net = session_.transport();
  // Rank 0 picks the newest checkpoint whose files all match its manifest.
  std::int64_t chosen = -1;
  if (net.rank() == 0) {
    for (int e : epochs_in(directory_)) {
      const std::string dir = epoch_dir(directory_, e);
      const auto m = read_manifest(dir);
      if (!m || m->epoch != e) continue;
      bool ok = true;
      for (int q = 0; q < m->processes && ok; ++q) {
        ok = verified(dir + "/" + rank_file(q), m->files[q].first, m->files[q].second).has_value();
      }
      if (ok) {
        chosen = e;
        break;
      }
      std::fprintf(stderr, "weft: checkpoint %s is incomplete or damaged; trying an older one\n", dir.c_str());
    }
    if (chosen < 0) {
      std::fprintf(stderr, "weft: restart: no complete checkpoint in %s; starting from epoch 0\n",
                   directory_.c_str());
    }
  }
  net.broadcast(&chosen, sizeof chosen, 0);
  if (chosen < 0) return 0;

  // Every process reads every file of it.
  std::optional<std::string> error;
  try {
    const std::string dir = epoch_dir(directory_, static_cast<int>(chosen));
    const auto m = read_manifest(dir);
    if (!m) throw weft::Error(dir + "/manifest.json: cannot read");
    for (const ArrayHandle& a : arrays_) {
      if (ArrayRecord* record = existing_record(a)) record->declare_whole();
    }
    for (int q = 0; q < m->processes; ++q) {
      const std::string path = dir + "/" + rank_file(q);
      const auto data = verified(path, m->files[q].first, m->files[q].second);
      if (!data) throw weft::Error(path + ": does not match its manifest");
      const std::byte* in = data->data();
      const auto take = [&](void* into, std::size_t n) {
        std::memcpy(into, in, n);
        in += n;
      };
      Header h;
      take(&h, sizeof h);
      if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.version != 1) throw weft::Error(path + ": not a weft checkpoint");
      if (h.arrays != arrays_.size() || (q == 0 && h.values != values_.size())) {
        throw weft::Error(path + ": holds " + std::to_string(h.arrays) + " arrays and " + std::to_string(h.values) +
                          " values, but the program tracks " + std::to_string(arrays_.size()) + " and " +
                          std::to_string(values_.size()));
      }
      for (std::uint32_t k = 0; k < h.arrays; ++k) {
        std::uint32_t index, tiles;
        Geometry g;
        take(&index, sizeof index);
        take(&g.rows, sizeof g.rows);
        take(&g.cols, sizeof g.cols);
        take(&g.cell_bytes, sizeof g.cell_bytes);
        take(&tiles, sizeof tiles);
        const ArrayHandle& a = arrays_.at(index);
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
          const std::int64_t run = tile.cols() * g.cell_bytes;
          for (std::int64_t r = tile.row_begin; r < tile.row_end; ++r) {
            take(a.storage + r * g.row_bytes() + tile.col_begin * g.cell_bytes, static_cast<std::size_t>(run));
          }
        }
      }
      for (std::uint32_t v = 0; v < h.values; ++v) {
        std::uint64_t bytes;
        take(&bytes, sizeof bytes);
        if (bytes != values_[v].bytes) throw weft::Error(path + ": value " + std::to_string(v) + " has another size");
        take(values_[v].data, values_[v].bytes);
      }
    }
  } catch (const std::exception& e) {
    error = std::string("rank ") + std::to_string(net.rank()) + ": restart: " + e.what();
  }
  agree(net, error);
  if (net.rank() == 0) {
    std::fprintf(stderr, "weft: resumed from the checkpoint of epoch %lld in %s\n", static_cast<long long>(chosen),
                 directory_.c_str());
  }
  return static_cast<int>(chosen) + 1;
}

}  // namespace weft::rt
