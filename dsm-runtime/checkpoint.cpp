// The files of a checkpoint (atomic files per process, a manifest last), the choice of
// the one to restart from, and hand-written checkpoints (Checkpoint). The checkpoints of
// a program's loops are in loop_checkpoints.cpp.
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
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "checkpoint_files.h"
#include "weft/rt/partitioning.h"

namespace weft::rt {
namespace checkpoint_files {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'W', 'E', 'F', 'T', 'C', 'K', 'P', '1'};

// FNV-1a, 64 bits.
struct Checksum {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void add(const void *data, std::size_t n) {
    const auto *p = static_cast<const unsigned char *>(data);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= p[i];
      h *= 0x100000001b3ULL;
    }
  }
};

std::string checkpoint_dir(const std::string &directory, const std::string &prefix,
                           std::int64_t index) {
  return directory + "/" + prefix + std::to_string(index);
}

std::string rank_file(int rank) { return "rank-" + std::to_string(rank) + ".bin"; }

[[noreturn]] void io_error(const std::string &path, const char *what) {
  throw weft::Error(path + ": " + what + ": " + std::strerror(errno));
}

void sync_path(const std::string &path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0)
    io_error(path, "cannot open for fsync");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0)
    io_error(path, "cannot fsync");
}

// Writes a file through a temporary in the same directory: flushed to disk, renamed over
// `path`, and the directory flushed, so that `path` is either absent or complete.
class AtomicWriter {
public:
  explicit AtomicWriter(std::string path)
      : path_(std::move(path)), temp_(path_ + ".tmp." + std::to_string(::getpid())) {
    file_ = std::fopen(temp_.c_str(), "wb");
    if (!file_)
      io_error(temp_, "cannot create");
  }
  ~AtomicWriter() {
    if (file_) {
      std::fclose(file_);
      std::remove(temp_.c_str());
    }
  }
  void write(const void *data, std::size_t n) {
    if (n > 0 && std::fwrite(data, 1, n, file_) != n)
      io_error(temp_, "cannot write");
    checksum_.add(data, n);
    bytes_ += n;
  }
  template <class T> void put(const T &v) { write(&v, sizeof v); }
  // Appends the checksum of everything before it, then commits.
  void commit(bool with_checksum) {
    if (with_checksum) {
      const std::uint64_t c = checksum_.h;
      if (std::fwrite(&c, 1, sizeof c, file_) != sizeof c)
        io_error(temp_, "cannot write");
      bytes_ += sizeof c;
    }
    if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0)
      io_error(temp_, "cannot flush");
    if (std::fclose(file_) != 0) {
      file_ = nullptr;
      io_error(temp_, "cannot close");
    }
    file_ = nullptr;
    if (std::rename(temp_.c_str(), path_.c_str()) != 0)
      io_error(path_, "cannot rename the temporary file to");
    sync_path(fs::path(path_).parent_path().string(), O_RDONLY | O_DIRECTORY);
  }
  std::uint64_t checksum() const { return checksum_.h; }
  std::uint64_t bytes() const { return bytes_; }

private:
  std::string path_, temp_;
  std::FILE *file_ = nullptr;
  Checksum checksum_;
  std::uint64_t bytes_ = 0;
};

// The array cut into a grid by every tile edge: each cell lies in one tile (written by
// its owner) or in none (current everywhere: written by process row % P).
std::vector<Tile> cells_of(const Layout &layout, const Geometry &g, int processes) {
  std::vector<std::int64_t> rows = {0, g.rows}, cols = {0, g.cols};
  for (const Tile &t : layout.tiles) {
    rows.insert(rows.end(), {t.row_begin, t.row_end});
    cols.insert(cols.end(), {t.col_begin, t.col_end});
  }
  for (auto *v : {&rows, &cols}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  std::vector<Tile> cells;
  for (std::size_t r = 0; r + 1 < rows.size(); ++r) {
    for (std::size_t c = 0; c + 1 < cols.size(); ++c) {
      Tile cell{rows[r], rows[r + 1], cols[c], cols[c + 1],
                static_cast<int>(r % static_cast<std::size_t>(processes))};
      for (const Tile &t : layout.tiles) {
        if (cell.row_begin >= t.row_begin && cell.row_end <= t.row_end &&
            cell.col_begin >= t.col_begin && cell.col_end <= t.col_end) {
          cell.owner = t.owner;
        }
      }
      if (!cell.empty())
        cells.push_back(cell);
    }
  }
  // A whole array: share its rows out evenly instead of by the single grid row.
  if (layout.whole()) {
    cells.clear();
    const auto b = range_bounds(g.rows, processes);
    for (int q = 0; q < processes; ++q) {
      if (b[q + 1] > b[q])
        cells.push_back(Tile{b[q], b[q + 1], 0, g.cols, q});
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
std::optional<std::vector<std::byte>> slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in)
    return std::nullopt;
  const std::streamsize size = in.tellg();
  in.seekg(0);
  std::vector<std::byte> data(static_cast<std::size_t>(std::max<std::streamsize>(size, 0)));
  if (!in.read(reinterpret_cast<char *>(data.data()), size))
    return std::nullopt;
  return data;
}

// Checks a rank file against its manifest entry: "" (and its bytes in `data`), or why it
// does not match.
std::string check_file(const std::string &path, std::uint64_t bytes, std::uint64_t checksum,
                       std::vector<std::byte> *data = nullptr) {
  auto content = slurp(path);
  if (!content)
    return fs::path(path).filename().string() + " cannot be read";
  const std::string name = fs::path(path).filename().string();
  if (content->size() != bytes) {
    return name + " has " + std::to_string(content->size()) + " bytes, its manifest says " +
           std::to_string(bytes);
  }
  if (bytes < sizeof(std::uint64_t))
    return name + " is too short";
  Checksum c;
  c.add(content->data(), content->size() - sizeof(std::uint64_t));
  std::uint64_t stored = 0;
  std::memcpy(&stored, content->data() + content->size() - sizeof stored, sizeof stored);
  if (stored != c.h || c.h != checksum)
    return name + " does not match its checksum";
  if (data)
    *data = std::move(*content);
  return "";
}

// Parses a manifest: nullopt and `why` if it is not a usable one.
std::optional<Manifest> parse_manifest(const std::string &text, std::string &why) {
  try {
    Manifest m;
    m.json = nlohmann::json::parse(text);
    m.epoch = m.json.at("epoch").get<std::int64_t>();
    m.processes = m.json.at("processes").get<int>();
    for (const auto &f : m.json.at("files")) {
      m.files.emplace_back(f.at("bytes").get<std::uint64_t>(),
                           std::stoull(f.at("checksum").get<std::string>(), nullptr, 16));
    }
    if (m.processes < 1 || static_cast<int>(m.files.size()) != m.processes) {
      why = "manifest.json lists " + std::to_string(m.files.size()) + " files for " +
            std::to_string(m.processes) + " processes";
      return std::nullopt;
    }
    return m;
  } catch (const std::exception &e) {
    why = std::string("manifest.json is not a checkpoint manifest (") + e.what() + ")";
    return std::nullopt;
  }
}

std::optional<std::string> read_text(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad())
    return std::nullopt;
  return s.str();
}

// Indices of the checkpoint directories <prefix><index> under `directory`, newest first.
std::vector<std::int64_t> indices_in(const std::string &directory, const std::string &prefix) {
  std::vector<std::int64_t> found;
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(directory, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || !entry.is_directory(ec))
      continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.empty() || digits.size() > 18 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      continue;
    found.push_back(std::stoll(digits));
  }
  std::sort(found.rbegin(), found.rend());
  return found;
}

// Whether `dir` holds a manifest that parses (retention: a complete checkpoint).
bool complete(const std::string &dir) {
  const auto text = read_text(dir + "/manifest.json");
  std::string why;
  return text && parse_manifest(*text, why).has_value();
}

} // namespace

std::string hex(std::uint64_t v) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
  return text;
}

void agree(Transport &net, const std::optional<std::string> &mine) {
  std::int64_t first = mine ? net.rank() : std::numeric_limits<std::int64_t>::max();
  net.allreduce_min(&first, 1);
  if (first == std::numeric_limits<std::int64_t>::max())
    return;
  std::string message = first == net.rank() ? *mine : std::string();
  message = net.broadcast(message, static_cast<int>(first));
  throw weft::Error(message);
}

void write_checkpoint(Session &session, const std::string &directory, const std::string &prefix,
                      std::int64_t index, const std::string &name,
                      const std::vector<StoredArray> &arrays, const std::vector<Value> &values,
                      const std::function<void(nlohmann::json &)> &extra) {
  Transport &net = session.transport();
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

  std::uint64_t sums[2] = {0, 0}; // bytes, checksum
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
      const ArrayHandle &a = arrays[k].handle;
      ArrayRecord *record = arrays[k].record;
      const Layout layout = record ? record->layout() : Layout{};
      std::vector<Tile> mine;
      for (const Tile &t : cells_of(layout, a.geometry, p)) {
        if (t.owner == me)
          mine.push_back(t);
      }
      out.put(static_cast<std::uint32_t>(k));
      out.put(a.geometry.rows);
      out.put(a.geometry.cols);
      out.put(a.geometry.cell_bytes);
      out.put(static_cast<std::uint32_t>(mine.size()));
      const auto write_tiles = [&] {
        for (const Tile &t : mine) {
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
      for (const Value &v : values) {
        out.put(static_cast<std::uint64_t>(v.bytes));
        out.write(v.data, v.bytes);
      }
    }
    out.commit(/*with_checksum*/ true);
    sums[0] = out.bytes();
    sums[1] = out.checksum();
  } catch (const std::exception &e) {
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
      if (extra)
        extra(j);
      const std::string text = j.dump(2) + "\n";
      AtomicWriter manifest(dir + "/manifest.json");
      manifest.write(text.data(), text.size());
      manifest.commit(/*with_checksum*/ false);
      bool kept_older = false;
      for (std::int64_t e : indices_in(directory, prefix)) {
        if (e == index)
          continue;
        if (e < index && !kept_older && complete(checkpoint_dir(directory, prefix, e))) {
          kept_older = true;
          continue;
        }
        fs::remove_all(checkpoint_dir(directory, prefix, e));
      }
    } catch (const std::exception &e) {
      error = "rank 0: " + what + e.what();
    }
  }
  agree(net, error);
}

Chosen choose_checkpoint(Transport &net, const std::string &directory, const std::string &prefix,
                         const char *fresh_start) {
  std::int64_t status = 0; // 0: none, 1: chosen, 2: error
  std::int64_t index = -1;
  std::string text; // the manifest, or the error
  if (net.rank() == 0) {
    std::vector<std::pair<std::string, std::string>> damaged; // dir, why
    for (std::int64_t e : indices_in(directory, prefix)) {
      const std::string dir = checkpoint_dir(directory, prefix, e);
      std::error_code ec;
      if (!fs::exists(dir + "/manifest.json", ec)) {
        std::fprintf(
            stderr,
            "weft: restart: skipping %s: it has no manifest.json (its writing was interrupted)\n",
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
      if (m && m->epoch != e)
        why = "manifest.json is that of " + prefix + std::to_string(m->epoch);
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
      for (const auto &[d, w] : damaged) {
        std::fprintf(
            stderr,
            "weft: warning: restart: skipping the damaged checkpoint %s (%s); using the older %s\n",
            d.c_str(), w.c_str(), dir.c_str());
      }
      break;
    }
    if (status == 0 && !damaged.empty()) {
      status = 2;
      text = "restart: the checkpoint " + damaged.front().first + " is damaged (" +
             damaged.front().second + ") and there is no older usable checkpoint in " + directory;
      for (std::size_t k = 1; k < damaged.size(); ++k) {
        text += "; " + damaged[k].first + " is damaged too (" + damaged[k].second + ")";
      }
    } else if (status == 0) {
      std::fprintf(stderr, "weft: restart: no complete checkpoint in %s; starting from %s\n",
                   directory.c_str(), fresh_start);
    }
    std::fflush(stderr);
  }
  std::int64_t head[2] = {status, index};
  net.broadcast(head, sizeof head, 0);
  text = net.broadcast(text, 0);
  if (head[0] == 2)
    throw weft::Error(text);
  Chosen chosen;
  if (head[0] == 0)
    return chosen;
  chosen.index = head[1];
  chosen.dir = checkpoint_dir(directory, prefix, chosen.index);
  std::string why;
  auto m = parse_manifest(text, why);
  if (!m)
    throw weft::Error("restart: " + chosen.dir + ": " + why);
  chosen.manifest = std::move(*m);
  return chosen;
}

void load_checkpoint(const Chosen &chosen, const std::vector<StoredArray> &arrays,
                     const std::vector<Value> &values) {
  const Manifest &m = chosen.manifest;
  for (const StoredArray &a : arrays) {
    if (a.record)
      a.record->declare_whole();
  }
  for (int q = 0; q < m.processes; ++q) {
    const std::string path = chosen.dir + "/" + rank_file(q);
    std::vector<std::byte> data;
    const std::string why = check_file(path, m.files[q].first, m.files[q].second, &data);
    if (!why.empty())
      throw weft::Error(chosen.dir + ": " + why);
    const std::byte *in = data.data();
    const std::byte *end = data.data() + data.size() - sizeof(std::uint64_t);
    const auto take = [&](void *into, std::size_t n) {
      if (static_cast<std::size_t>(end - in) < n)
        throw weft::Error(path + ": shorter than its contents");
      std::memcpy(into, in, n);
      in += n;
    };
    Header h;
    take(&h, sizeof h);
    if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.version != 1)
      throw weft::Error(path + ": not a weft checkpoint");
    if (h.arrays != arrays.size() || (q == 0 && h.values != values.size())) {
      throw weft::Error(path + ": holds " + std::to_string(h.arrays) + " arrays and " +
                        std::to_string(h.values) + " values, but the program tracks " +
                        std::to_string(arrays.size()) + " and " + std::to_string(values.size()));
    }
    for (std::uint32_t k = 0; k < h.arrays; ++k) {
      std::uint32_t index, tiles;
      Geometry g;
      take(&index, sizeof index);
      take(&g.rows, sizeof g.rows);
      take(&g.cols, sizeof g.cols);
      take(&g.cell_bytes, sizeof g.cell_bytes);
      take(&tiles, sizeof tiles);
      if (index >= arrays.size())
        throw weft::Error(path + ": array " + std::to_string(index) + " out of range");
      const ArrayHandle &a = arrays[index].handle;
      if (g.rows != a.geometry.rows || g.cols != a.geometry.cols ||
          g.cell_bytes != a.geometry.cell_bytes) {
        throw weft::Error(path + ": array " + std::to_string(index) +
                          " has another shape than the tracked " + "DistArray of shape " + a.shape);
      }
      for (std::uint32_t t = 0; t < tiles; ++t) {
        Tile tile;
        take(&tile.row_begin, sizeof tile.row_begin);
        take(&tile.row_end, sizeof tile.row_end);
        take(&tile.col_begin, sizeof tile.col_begin);
        take(&tile.col_end, sizeof tile.col_end);
        if (tile.row_begin < 0 || tile.row_end > g.rows || tile.col_begin < 0 ||
            tile.col_end > g.cols) {
          throw weft::Error(path + ": a tile lies outside array " + std::to_string(index));
        }
        const std::int64_t run = tile.cols() * g.cell_bytes;
        for (std::int64_t r = tile.row_begin; r < tile.row_end; ++r) {
          take(a.storage + r * g.row_bytes() + tile.col_begin * g.cell_bytes,
               static_cast<std::size_t>(run));
        }
      }
    }
    for (std::uint32_t v = 0; v < h.values; ++v) {
      std::uint64_t bytes;
      take(&bytes, sizeof bytes);
      if (bytes != values[v].bytes)
        throw weft::Error(path + ": value " + std::to_string(v) + " has another size");
      take(values[v].data, values[v].bytes);
    }
  }
}

} // namespace checkpoint_files

using namespace checkpoint_files;

// ---------------------------------------------------------------------------------------
// Checkpoint

Checkpoint::Checkpoint(Session &session, std::string name, std::string directory)
    : session_(session), name_(std::move(name)),
      directory_((directory.empty() ? session.options().checkpoint_dir : directory) + "/" + name_) {
  turn_off_loop_checkpoints(session);
}

void Checkpoint::end_epoch(int epoch) {
  const int every = session_.options().checkpoint_every;
  if (every > 0 && (epoch + 1) % every == 0)
    write(epoch);
}

void Checkpoint::write(int epoch) {
  std::vector<StoredArray> arrays;
  for (const ArrayHandle &a : arrays_)
    arrays.push_back(StoredArray{a, existing_record(a)});
  write_checkpoint(session_, directory_, "epoch-", epoch, name_, arrays, values_, nullptr);
}

int Checkpoint::resume() { return session_.options().restart ? load_newest() : 0; }

int Checkpoint::load_newest() {
  Transport &net = session_.transport();
  const Chosen chosen = choose_checkpoint(net, directory_, "epoch-", "epoch 0");
  if (chosen.index < 0)
    return 0;
  std::vector<StoredArray> arrays;
  for (const ArrayHandle &a : arrays_)
    arrays.push_back(StoredArray{a, existing_record(a)});
  std::optional<std::string> error;
  try {
    load_checkpoint(chosen, arrays, values_);
  } catch (const std::exception &e) {
    error = std::string("rank ") + std::to_string(net.rank()) + ": restart: " + e.what();
  }
  agree(net, error);
  if (net.rank() == 0) {
    std::fprintf(stderr, "weft: resumed from the checkpoint of epoch %lld in %s\n",
                 static_cast<long long>(chosen.index), directory_.c_str());
  }
  return static_cast<int>(chosen.index) + 1;
}

} // namespace weft::rt
