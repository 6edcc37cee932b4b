// The checkpoints of a program's annotated loops (LoopCheckpoints, checkpoint.h): the
// runs of each loop counted at their start, a checkpoint written there every N epochs,
// and a restart that skips the runs its checkpoint holds and restores their state at the
// start of the next one, after checking that the program and its inputs are the same.
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>

#include "checkpoint_files.h"
#include "weft/rt/checkpoint.h"
#include "weft/rt/loop.h"
#include "weft/rt/wavefront.h"

namespace weft::rt {

using namespace checkpoint_files;

namespace {

// ---------------------------------------------------------------------------------------
// Checksums of array contents (input arrays) and the digests of SparseArrays.

std::uint64_t digest_bytes(const std::byte *data, std::int64_t n) {
  std::uint64_t h = weft::detail::mix64(static_cast<std::uint64_t>(n));
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, data + i, 8);
    h = weft::detail::mix64(h ^ w) + weft::detail::kSplitmix64Gamma;
  }
  std::uint64_t tail = 0;
  if (i < n)
    std::memcpy(&tail, data + i, static_cast<std::size_t>(n - i));
  return weft::detail::mix64(h ^ tail);
}

struct DigestKey {
  const SessionObserver *record;
  const void *data;
  std::int64_t count;
  std::uint64_t version;
  std::int64_t first;
  bool operator<(const DigestKey &o) const {
    return std::tie(record, data, count, version, first) <
           std::tie(o.record, o.data, o.count, o.version, o.first);
  }
};
std::map<DigestKey, loop_checkpoint_detail::EntriesDigest> &digests() {
  static std::map<DigestKey, loop_checkpoint_detail::EntriesDigest> cache;
  return cache;
}

std::string format_list(const std::vector<std::int64_t> &v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + std::to_string(v[i]);
  return s + ")";
}

nlohmann::json to_json(const SpaceFingerprint &f) {
  return {
      {"kind", f.kind}, {"count", f.count}, {"bounds", f.bounds}, {"checksum", hex(f.checksum)}};
}

SpaceFingerprint space_from_json(const nlohmann::json &j) {
  SpaceFingerprint f;
  f.kind = j.at("kind").get<std::string>();
  f.count = j.at("count").get<std::int64_t>();
  f.bounds = j.at("bounds").get<std::vector<std::int64_t>>();
  f.checksum = std::stoull(j.at("checksum").get<std::string>(), nullptr, 16);
  return f;
}

std::string ordinal(std::int64_t n) {
  const std::int64_t t = n % 100;
  const char *suffix = (t >= 11 && t <= 13) ? "th"
                       : n % 10 == 1        ? "st"
                       : n % 10 == 2        ? "nd"
                       : n % 10 == 3        ? "rd"
                                            : "th";
  return std::to_string(n) + suffix;
}

// The executable's name, for the checkpoints' directory.
std::string program_name() {
  std::string name = program_invocation_short_name ? program_invocation_short_name : "";
  for (char &c : name) {
    if (c == '/' || c == '\\')
      c = '_';
  }
  return name.empty() || name == "." || name == ".." ? std::string("program") : name;
}

// While a restart replays the part that its checkpoint holds, the program's standard
// output goes to /dev/null.
class StdoutSilencer {
public:
  ~StdoutSilencer() { restore(); }
  void silence() {
    if (saved_ >= 0)
      return;
    std::cout.flush();
    std::fflush(stdout);
    saved_ = ::dup(STDOUT_FILENO);
    if (saved_ < 0)
      return;
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) {
      ::dup2(null, STDOUT_FILENO);
      ::close(null);
    }
  }
  void restore() {
    if (saved_ < 0)
      return;
    std::cout.flush();
    std::fflush(stdout); // what was printed while silenced goes to /dev/null
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
    saved_ = -1;
  }

private:
  int saved_ = -1;
};

} // namespace

// ---------------------------------------------------------------------------------------
// LoopCheckpoints: the checkpoints of a program's annotated loops (checkpoint.h).

class LoopCheckpoints final : public SessionObserver {
public:
  explicit LoopCheckpoints(Session &session) : session_(session) { session_.add_observer(this); }
  ~LoopCheckpoints() {
    if (!ended_)
      session_.remove_observer(this);
  }

  // A hand-written Checkpoint took over.
  void turn_off() { off_ = true; }
  void forget(SessionObserver *o) { arrays_.erase(o); }
  void session_ended() override;
  bool loop_start(const char *executor, const char *id, const Footprint &footprint,
                  const std::function<SpaceFingerprint()> &space);

private:
  struct Loop {
    std::string id; // the body's type
    std::string executor;
    std::int64_t runs = 0;     // runs started before the current one
    std::int64_t last_run = 0; // the index (1-based, over all loops) of its latest run
    SpaceFingerprint space;    // what its latest run iterates over
  };
  struct Tracked {
    std::int64_t id = 0; // in the order loops first named the arrays
    ArrayHandle handle;
    ArrayRecord *record = nullptr;
    int first_loop = 0;
    bool written = false; // a loop writes it, or a Buffer targets it
  };

  void start();
  void track(const ArrayHandle &handle, int loop, bool written);
  std::vector<const Tracked *> live_arrays() const;
  // What a checkpoint stores and a restart restores: the arrays of `live` that a loop
  // writes, and the values of the accumulators of `footprint`.
  static std::vector<StoredArray> written_arrays(const std::vector<const Tracked *> &live);
  static std::vector<Value> reduction_values(const Footprint &footprint);
  std::string loop_name(int loop) const {
    return "loop " + std::to_string(loop + 1) + " (" +
           loops_[static_cast<std::size_t>(loop)].executor + ")";
  }
  std::string array_name(const Tracked &a, std::size_t position) const;
  void write(std::int64_t runs_done, int loop, const Footprint &footprint);
  void restore(int loop, const Footprint &footprint);
  std::string differences(int loop, const Footprint &footprint,
                          const std::vector<const Tracked *> &live) const;

  Session &session_;
  bool off_ = false;
  bool started_ = false;
  bool ended_ = false;
  std::string directory_; // <checkpoint_dir>/<program>
  std::vector<Loop> loops_;
  std::map<std::string, int> loop_index_;
  std::map<SessionObserver *, Tracked> arrays_; // by record
  std::int64_t next_array_ = 0;
  std::int64_t runs_ = 0;             // runs started
  std::int64_t last_checkpoint_ = -1; // the runs done at the newest checkpoint written or restored
  // A restart: the checkpoint, until its run starts.
  bool restoring_ = false;
  Chosen chosen_;
  StdoutSilencer silencer_;
};

void observer_removed(LoopCheckpoints &checkpoints, SessionObserver *o) {
  checkpoints.forget(o);
  auto &cache = digests();
  for (auto it = cache.begin(); it != cache.end();)
    it = it->first.record == o ? cache.erase(it) : std::next(it);
}

namespace {

// The session's LoopCheckpoints, made on first use; nullptr for a session that split()
// made (its loops are not the program's).
LoopCheckpoints *loop_checkpoints_of(Session &session) {
  Session *root = nullptr;
  try {
    root = &Session::current();
  } catch (const weft::Error &) {
    return nullptr;
  }
  if (root != &session)
    return nullptr;
  auto &held = session.loop_checkpoints();
  if (!held)
    held = std::make_shared<LoopCheckpoints>(session);
  return held.get();
}

} // namespace

void checkpoint_files::turn_off_loop_checkpoints(Session &session) {
  if (LoopCheckpoints *automatic = loop_checkpoints_of(session))
    automatic->turn_off();
}

void LoopCheckpoints::session_ended() {
  ended_ = true;
  silencer_.restore();
  if (restoring_ && std::uncaught_exceptions() == 0 && !session_.failed()) {
    if (session_.rank() == 0) {
      std::fprintf(stderr,
                   "weft: error: restart: the program ended after %lld loop runs, before run %lld, "
                   "where the checkpoint "
                   "%s resumes: it took another path than the run that wrote it (other arguments, "
                   "such as fewer "
                   "epochs?)\n",
                   static_cast<long long>(runs_), static_cast<long long>(chosen_.index + 1),
                   chosen_.dir.c_str());
      std::fflush(stderr);
    }
    session_.mark_failed();
  }
}

void LoopCheckpoints::start() {
  started_ = true;
  directory_ = session_.options().checkpoint_dir + "/" + program_name();
  if (!session_.options().restart)
    return;
  chosen_ = choose_checkpoint(session_.transport(), directory_, "runs-", "the beginning");
  if (chosen_.index < 0)
    return;
  restoring_ = true;
  silencer_.silence();
}

void LoopCheckpoints::track(const ArrayHandle &handle, int loop, bool written) {
  ArrayRecord *before = existing_record(handle);
  const bool fresh = before == nullptr || before->session() != &session_;
  ArrayRecord &record = record_of(session_, handle);
  SessionObserver *key = &record;
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

std::vector<StoredArray> LoopCheckpoints::written_arrays(const std::vector<const Tracked *> &live) {
  std::vector<StoredArray> state;
  for (const Tracked *a : live) {
    if (a->written)
      state.push_back(StoredArray{a->handle, a->record});
  }
  return state;
}

std::vector<Value> LoopCheckpoints::reduction_values(const Footprint &footprint) {
  std::vector<Value> values;
  for (const auto &r : footprint.reductions())
    values.push_back(Value{r->value_bytes(), r->value_size()});
  return values;
}

std::vector<const LoopCheckpoints::Tracked *> LoopCheckpoints::live_arrays() const {
  std::vector<const Tracked *> live;
  for (const auto &[key, t] : arrays_)
    live.push_back(&t);
  std::sort(live.begin(), live.end(),
            [](const Tracked *a, const Tracked *b) { return a->id < b->id; });
  return live;
}

std::string LoopCheckpoints::array_name(const Tracked &a, std::size_t position) const {
  const Loop &first = loops_[static_cast<std::size_t>(a.first_loop)];
  return "the " + ordinal(static_cast<std::int64_t>(position + 1)) +
         " DistArray that the loops name (" + (a.written ? "written" : "read") + " by loop " +
         std::to_string(a.first_loop + 1) + ", " + first.executor + ")";
}

bool LoopCheckpoints::loop_start(const char *executor, const char *id, const Footprint &footprint,
                                 const std::function<SpaceFingerprint()> &space) {
  if (off_ || session_.in_loop() || !session_.on_main_thread())
    return false;
  if (!started_)
    start();
  const auto [it, inserted] = loop_index_.emplace(id, static_cast<int>(loops_.size()));
  if (inserted) {
    Loop added;
    added.id = id;
    added.executor = executor;
    loops_.push_back(added);
  }
  const int l = it->second;
  for (const auto &w : footprint.writes())
    track(w.handle, l, true);
  for (const auto &b : footprint.buffers())
    track(b->target(), l, true);
  for (const auto &r : footprint.reads())
    track(r.handle, l, false);
  loops_[static_cast<std::size_t>(l)].space = space();

  const std::int64_t run = ++runs_;
  Loop &loop = loops_[static_cast<std::size_t>(l)];
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

void LoopCheckpoints::write(std::int64_t runs_done, int loop, const Footprint &footprint) {
  const std::vector<const Tracked *> live = live_arrays();
  std::vector<StoredArray> state = written_arrays(live);
  std::vector<Value> values = reduction_values(footprint);

  const auto program = [&](nlohmann::json &j) {
    nlohmann::json p;
    p["runs"] = runs_done;
    p["next_loop"] = loop;
    p["loops"] = nlohmann::json::array();
    for (const Loop &l : loops_) {
      p["loops"].push_back(
          {{"id", l.id}, {"executor", l.executor}, {"runs", l.runs}, {"space", to_json(l.space)}});
    }
    p["arrays"] = nlohmann::json::array();
    for (const Tracked *a : live) {
      nlohmann::json aj = {
          {"shape", a->handle.shape},        {"rows", a->handle.geometry.rows},
          {"cols", a->handle.geometry.cols}, {"cell_bytes", a->handle.geometry.cell_bytes},
          {"first_loop", a->first_loop},     {"written", a->written}};
      // An input array (no loop writes it) is whole and unprotected on every process.
      if (!a->written)
        aj["checksum"] = hex(digest_bytes(a->handle.storage, a->handle.geometry.bytes()));
      p["arrays"].push_back(aj);
    }
    p["accumulators"] = nlohmann::json::array();
    for (const Value &v : values)
      p["accumulators"].push_back(v.bytes);
    j["program"] = p;
  };
  write_checkpoint(session_, directory_, "runs-", runs_done, program_name(), state, values,
                   program);
  last_checkpoint_ = runs_done;
}

std::string LoopCheckpoints::differences(int loop, const Footprint &footprint,
                                         const std::vector<const Tracked *> &live) const {
  const nlohmann::json &p = chosen_.manifest.json.at("program");
  std::vector<std::string> found;

  // The loops and how often each ran: the path the program took.
  const auto &then_loops = p.at("loops");
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
                      " times in the run that wrote it: the program took another path (other "
                      "arguments or inputs?)");
    }
  }
  if (p.at("next_loop").get<int>() != loop) {
    found.push_back("loop run " + std::to_string(runs_) + " is one of " + loop_name(loop) +
                    ", but one of " + loop_name(p.at("next_loop").get<int>()) +
                    " in the run that wrote it");
  }
  if (!found.empty())
    return found.front();

  // The arrays: shapes, and the contents of the input arrays.
  const auto &then_arrays = p.at("arrays");
  if (then_arrays.size() != live.size()) {
    found.push_back("the loops name " + std::to_string(live.size()) +
                    " live DistArrays at this point, but " + std::to_string(then_arrays.size()) +
                    " in the run that wrote it");
  } else {
    for (std::size_t k = 0; k < live.size(); ++k) {
      const Tracked &a = *live[k];
      const nlohmann::json &t = then_arrays[k];
      const std::string then_shape = t.at("shape").get<std::string>();
      const auto then_cell = t.at("cell_bytes").get<std::int64_t>();
      if (then_shape != a.handle.shape ||
          t.at("rows").get<std::int64_t>() != a.handle.geometry.rows ||
          t.at("cols").get<std::int64_t>() != a.handle.geometry.cols) {
        found.push_back(array_name(a, k) + " has shape " + a.handle.shape + " now but " +
                        then_shape + " in the checkpoint");
      } else if (then_cell != a.handle.geometry.cell_bytes) {
        found.push_back(array_name(a, k) + " has elements of " +
                        std::to_string(a.handle.geometry.cell_bytes) + " bytes per cell now but " +
                        std::to_string(then_cell) + " in the checkpoint");
      } else if (t.at("written").get<bool>() != a.written) {
        found.push_back(array_name(a, k) + " is " + (a.written ? "" : "not ") +
                        "written by a loop now but " + (a.written ? "was not" : "was") +
                        " in the checkpoint's run");
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
      found.push_back(loop_name(static_cast<int>(l)) +
                      " runs over other data: " + loops_[l].space.describe() + " now but " +
                      then.describe() + " in the checkpoint");
    }
  }
  // The accumulators of this run.
  const auto &then_acc = p.at("accumulators");
  bool same_acc = then_acc.size() == footprint.reductions().size();
  for (std::size_t k = 0; same_acc && k < then_acc.size(); ++k) {
    same_acc = then_acc[k].get<std::size_t>() == footprint.reductions()[k]->value_size();
  }
  if (!same_acc) {
    found.push_back(loop_name(loop) + " folds into " +
                    std::to_string(footprint.reductions().size()) +
                    " Accumulators of other types than in the run that wrote it");
  }
  std::string text;
  for (std::size_t k = 0; k < found.size() && k < 6; ++k)
    text += (k ? "; " : "") + found[k];
  if (found.size() > 6)
    text += "; and " + std::to_string(found.size() - 6) + " more";
  if (!text.empty())
    text = "the inputs or shapes differ from the run that wrote it (other data or arguments?): " +
           text;
  return text;
}

void LoopCheckpoints::restore(int loop, const Footprint &footprint) {
  Transport &net = session_.transport();
  // Whatever comes of it, the restart is over: the program's output is its own again.
  restoring_ = false;
  silencer_.restore();
  const std::vector<const Tracked *> live = live_arrays();
  std::optional<std::string> error;
  try {
    const std::string what = differences(loop, footprint, live);
    if (!what.empty())
      error = "restart from " + chosen_.dir + ": " + what;
  } catch (const std::exception &e) {
    error = "restart from " + chosen_.dir + ": its manifest is not one of a program's loops (" +
            e.what() + ")";
  }
  agree(net, error);

  std::vector<StoredArray> state = written_arrays(live);
  std::vector<Value> values = reduction_values(footprint);
  try {
    load_checkpoint(chosen_, state, values);
  } catch (const std::exception &e) {
    error =
        "rank " + std::to_string(net.rank()) + ": restart from " + chosen_.dir + ": " + e.what();
  }
  agree(net, error);
  last_checkpoint_ = chosen_.index;
  if (net.rank() == 0) {
    std::string counts;
    for (std::size_t l = 0; l < loops_.size(); ++l) {
      counts += std::string(l == 0                   ? ""
                            : l + 1 == loops_.size() ? " and "
                                                     : ", ") +
                std::to_string(loops_[l].runs) + (l == 0 ? " runs of " : " of ") +
                loop_name(static_cast<int>(l));
    }
    std::fprintf(stderr,
                 "weft: restart: resumed at loop run %lld from the checkpoint %s, which holds %s; "
                 "what the program "
                 "printed on stdout during those runs is not printed again\n",
                 static_cast<long long>(runs_), chosen_.dir.c_str(), counts.c_str());
    std::fflush(stderr);
  }
}

namespace loop_checkpoint_detail {

bool loop_start(Session &session, const char *executor, const char *loop,
                const Footprint &footprint, const std::function<SpaceFingerprint()> &space) {
  LoopCheckpoints *checkpoints = loop_checkpoints_of(session);
  if (checkpoints == nullptr)
    return false;
  return checkpoints->loop_start(executor, loop, footprint, space);
}

bool cached_digest(const SessionObserver *record, const void *data, std::int64_t count,
                   std::uint64_t version, std::int64_t first, EntriesDigest &out) {
  const auto it = digests().find(DigestKey{record, data, count, version, first});
  if (it == digests().end())
    return false;
  out = it->second;
  return true;
}

void store_digest(const SessionObserver *record, const void *data, std::int64_t count,
                  std::uint64_t version, std::int64_t first, const EntriesDigest &digest) {
  auto &cache = digests();
  for (auto it = cache.begin(); it != cache.end();) {
    it = it->first.record == record ? cache.erase(it) : std::next(it); // older versions
  }
  cache[DigestKey{record, data, count, version, first}] = digest;
}

SpaceFingerprint entries_fingerprint(Session &session, bool sliced, const EntriesDigest &mine) {
  SpaceFingerprint f;
  f.kind = "entries";
  f.count = mine.count;
  f.bounds = mine.extents;
  f.checksum = mine.sum;
  if (sliced) {
    Transport &net = session.transport();
    // The sum of 64-bit hashes, as two 32-bit halves (int64 sums do not overflow).
    std::int64_t sums[3] = {mine.count, static_cast<std::int64_t>(mine.sum & 0xffffffffULL),
                            static_cast<std::int64_t>(mine.sum >> 32)};
    net.allreduce_sum(sums, 3);
    f.count = sums[0];
    f.checksum = static_cast<std::uint64_t>(sums[1]) + (static_cast<std::uint64_t>(sums[2]) << 32);
    if (!f.bounds.empty())
      net.allreduce_max(f.bounds.data(), static_cast<int>(f.bounds.size()));
  }
  return f;
}

} // namespace loop_checkpoint_detail

std::string SpaceFingerprint::describe() const {
  if (kind == "entries") {
    return std::to_string(count) + " entries, key extents " + format_list(bounds) + ", checksum " +
           hex(checksum);
  }
  std::string s = "iterations";
  for (std::size_t k = 0; k + 1 < bounds.size(); k += 2) {
    s += (k ? " x " : " ") + std::string("[") + std::to_string(bounds[k]) + ", " +
         std::to_string(bounds[k + 1]) + ")";
  }
  return s;
}

SpaceFingerprint space_fingerprint(Session &, const IndexRange &range) {
  SpaceFingerprint f;
  f.kind = "range";
  f.count = std::max<std::int64_t>(0, range.end - range.begin);
  f.bounds = {range.begin, range.end};
  return f;
}

SpaceFingerprint space_fingerprint(Session &, const Wavefront &space) {
  SpaceFingerprint f;
  f.kind = "wavefront";
  f.count = std::max<std::int64_t>(0, space.rows.end - space.rows.begin) *
            std::max<std::int64_t>(0, space.cols.end - space.cols.begin);
  f.bounds = {space.rows.begin, space.rows.end, space.cols.begin, space.cols.end};
  return f;
}

} // namespace weft::rt
