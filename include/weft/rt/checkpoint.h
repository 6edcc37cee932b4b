// weft/rt/checkpoint.h — checkpoint and restart: of every program's annotated loops with
// no code in the program (LoopCheckpoints, below), or of a hand-written training loop
// (Checkpoint).
//
// Options (options.h): --weft-checkpoint-every=N writes a checkpoint every N epochs,
// --weft-checkpoint-dir=D puts it under D (default weft-checkpoints), --weft-restart
// resumes from the newest usable one.
//
// ---------------------------------------------------------------------------------------
// Programs that weftc wrote (and any program whose loops run through the executors on
// Session::current()): every executor first calls skip_restored_run() (below), which
// counts the runs of each annotated loop (a loop is its body's type: one per loop in the
// source) and is where checkpoints are written and restored, at the start of a run.
//
// When: N counts the runs of each loop. A checkpoint is written at the start of a run of
// loop L when L has run a multiple of N times before it, unless one was written since
// L's previous run started: so a program whose epoch runs one loop (every sample) gets
// one every N epochs, and one whose epoch runs several loops gets one every N epochs,
// at the start of the epoch's first loop.
//
// What a checkpoint holds (<checkpoint_dir>/<program>/runs-<T>/, T = the loop runs done,
// <program> = the executable's name): every DistArray that a loop has named
// (Footprint::write, read, or a Buffer's target) and that is still alive, as it is at
// that point; the Accumulators of the run about to start (their values before it); the
// number of runs of each loop; and a fingerprint of the inputs and shapes: what each
// loop's latest run iterated over (a SparseArray's count, key extents and a checksum of
// its keys and values with their positions; a range's bounds), the shape of every array, and a
// checksum of every array that no loop writes (the loops' input arrays). Buffers hold
// nothing between runs: their targets are arrays. Files are written as Checkpoint's
// below (atomically, a manifest last, the new one and the newest older one kept).
//
// Restart (--weft-restart): the program runs from its beginning. Its serial code runs as
// usual, but the first T runs of the loops return at once without running (their
// arrays and accumulators keep whatever serial code gave them), and the program's
// standard output is sent to /dev/null from the first loop run on, since what serial
// code computes from the loops' results in that part is not the real thing. At the start
// of run T + 1 the runtime checks that the program is the one that wrote the checkpoint
// and that it got the same inputs: the same loops with the same run counts, the same
// loop starting now, the same iteration spaces and array shapes, the same input arrays
// (else a weft::Error naming what changed, on every process); then it restores every
// array the checkpoint holds (whole on every process) and the accumulators of the run,
// gives the standard output back, and the program goes on. It prints, from that point
// on, what the uninterrupted run printed from that point on: the output of the epochs
// the checkpoint holds is not printed again (docs/design.md, "Checkpoint and restart").
// If the program ends before run T + 1 (it took another path: fewer epochs, other
// arguments), the job ends with an error saying so.
//
// Not part of a checkpoint: the serial code's own variables (a running time, a best
// value so far), arrays that no loop names, and an Accumulator that lives across epochs
// and that only a loop other than the one at the checkpoint folds into: after a restart
// those hold what the replayed serial code left in them. A program that keeps state of its own
// across epochs checkpoints it with Checkpoint (which turns the automatic checkpoints off).
//
// ---------------------------------------------------------------------------------------
// Hand-written training loops:
//
//   weft::rt::Checkpoint checkpoint(session, "mf");
//   checkpoint.track(W).track(H);               // the state that the epochs change
//   for (int epoch = checkpoint.resume(); epoch < epochs; ++epoch) {
//     ... one epoch of parallel loops ...
//     checkpoint.end_epoch(epoch);              // every --weft-checkpoint-every epochs
//   }
//
// Writing (collective, no communication of array data): every process writes the parts
// of each tracked array that it owns in the array's current layout (the parts every
// process holds are shared out by rows), plus, on rank 0, the tracked values, into
// <checkpoint_dir>/<name>/epoch-<E>/rank-<r>.bin: to a temporary file, flushed to disk,
// then renamed. When every process has written, rank 0 writes manifest.json the same way
// (the epoch, the processes, each file's size and checksum). A checkpoint is complete
// iff its manifest is. The new checkpoint and the newest complete one older than it are
// kept; every other epoch-<E> directory goes (older ones, and newer ones that a crashed
// run or an earlier job left behind, which a later restart must not take for this run's).
//
// Restart (--weft-restart): resume() finds the newest complete checkpoint whose files
// match their manifest (sizes and FNV-1a checksums), every process reads every file of
// it (so the number of processes may differ from the run that wrote it), the tracked
// arrays become whole and the tracked values are restored; resume() returns the epoch
// after the checkpoint's. The executors are deterministic for a given number of
// processes and workers, so the restarted run ends with the same model as one that was
// never interrupted. Without --weft-restart resume() returns 0.
//
// Choosing the checkpoint to restart from (both kinds), newest first:
//   - a directory without manifest.json is a checkpoint whose writing was interrupted:
//     skipped, with a note on stderr;
//   - a damaged one (manifest.json unreadable or not a manifest, a file missing, of
//     another size or checksum than its manifest says) is skipped with a warning naming
//     it and why, and the next older one is tried;
//   - if none is usable: when one was damaged, a weft::Error on every process naming the
//     newest damaged checkpoint and what is wrong with it; when there was none at all
//     (or only interrupted ones), the run starts from the beginning (resume() returns 0)
//     with a message.
//
// Errors (an unwritable directory, a damaged checkpoint when nothing older is usable, a
// restart against another program, other inputs or other shapes) are weft::Error on
// every process.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "weft/rt/distribution.h"
#include "weft/rt/session.h"
#include "weft/rt/sparse.h"

namespace weft::rt {

class Footprint;   // loop.h
struct IndexRange; // loop.h
struct Wavefront;  // wavefront.h

class Checkpoint {
public:
  // Checkpoints go to <directory>/<name>; directory defaults to Options::checkpoint_dir.
  // Turns off the automatic checkpoints of the session's loops (LoopCheckpoints).
  Checkpoint(Session &session, std::string name, std::string directory = "");

  template <class T, std::size_t N> Checkpoint &track(weft::DistArray<T, N> &a) {
    arrays_.push_back(handle_of(a));
    return *this;
  }
  // A value of trivially copyable type that every process holds alike (a random
  // generator's state, a learning-rate schedule...).
  template <class T> Checkpoint &track_value(T &v) {
    static_assert(std::is_trivially_copyable_v<T>,
                  "weft::rt::Checkpoint tracks trivially copyable values");
    values_.push_back(Value{reinterpret_cast<std::byte *>(&v), sizeof(T)});
    return *this;
  }

  // The epoch to start at: load_newest() with --weft-restart, else 0 (collective).
  int resume();
  // Loads the newest usable checkpoint (see above) and returns the epoch after it; 0 if
  // there is none (collective).
  int load_newest();
  // After epoch `epoch` (0-based): writes a checkpoint if (epoch + 1) is a multiple of
  // Options::checkpoint_every (collective).
  void end_epoch(int epoch);
  // Writes the checkpoint of `epoch` now (collective).
  void write(int epoch);

  // <checkpoint_dir>/<name>
  const std::string &directory() const { return directory_; }

  struct Value {
    std::byte *data;
    std::size_t bytes;
  };

private:
  Session &session_;
  std::string name_;
  std::string directory_;
  std::vector<ArrayHandle> arrays_;
  std::vector<Value> values_;
};

// What a run of a loop iterates over, for the fingerprint of a checkpoint.
struct SpaceFingerprint {
  std::string kind;                 // "entries", "range" or "wavefront"
  std::int64_t count = 0;           // entries, or iterations
  std::vector<std::int64_t> bounds; // key extents (entries); begin, end per dimension
  std::uint64_t checksum = 0;       // entries: of their keys and values, in order

  // "1000 entries, key extents (100, 50), checksum 0123456789abcdef", "iterations [0, 10)".
  std::string describe() const;
  bool operator==(const SpaceFingerprint &o) const {
    return kind == o.kind && count == o.count && bounds == o.bounds && checksum == o.checksum;
  }
  bool operator!=(const SpaceFingerprint &o) const { return !(*this == o); }
};

SpaceFingerprint space_fingerprint(Session &session, const IndexRange &range);
SpaceFingerprint space_fingerprint(Session &session, const Wavefront &space);
template <class T, std::size_t N>
SpaceFingerprint space_fingerprint(Session &session, const weft::SparseArray<T, N> &a);

namespace loop_checkpoint_detail {

// The run of a loop starts (see LoopCheckpoints above); true: a restart skips it.
bool loop_start(Session &session, const char *executor, const char *loop,
                const Footprint &footprint, const std::function<SpaceFingerprint()> &space);

// A SparseArray's digest on this process: entry count, key extents, sum of the entries'
// hashes (each of its global index, key and value).
struct EntriesDigest {
  std::int64_t count = 0;
  std::vector<std::int64_t> extents;
  std::uint64_t sum = 0;
};
// The digest cached for the entries of the SparseArray whose record is `record`, at
// this version (checkpoints compute one per array and version, not per run); a record
// that ends takes its digests along.
bool cached_digest(const SessionObserver *record, const void *data, std::int64_t count,
                   std::uint64_t version, std::int64_t first, EntriesDigest &out);
void store_digest(const SessionObserver *record, const void *data, std::int64_t count,
                  std::uint64_t version, std::int64_t first, const EntriesDigest &digest);
// The fingerprint from every process's digest (collective when `sliced`).
SpaceFingerprint entries_fingerprint(Session &session, bool sliced, const EntriesDigest &mine);

template <class T> std::uint64_t value_bits(const T &v) {
  std::uint64_t bits = 0;
  if constexpr (std::is_floating_point_v<T>) {
    const double d = static_cast<double>(v);
    std::memcpy(&bits, &d, sizeof d);
  } else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
    bits = static_cast<std::uint64_t>(v);
  } else if constexpr (std::has_unique_object_representations_v<T>) {
    const auto *p = reinterpret_cast<const unsigned char *>(&v);
    for (std::size_t i = 0; i < sizeof(T); ++i)
      bits = weft::detail::mix64(bits ^ p[i]);
  }
  return bits; // other types (padding bytes): keys only
}

} // namespace loop_checkpoint_detail

// Every executor starts with
//   if (skip_restored_run<Body>(session, "rotation_2d", footprint, entries)) return;
// before any other work: the loop boundary of LoopCheckpoints. Nothing happens (and
// nothing is computed) unless --weft-checkpoint-every or --weft-restart is given.
template <class Body, class Space>
bool skip_restored_run(Session &session, const char *executor, const Footprint &footprint,
                       const Space &space) {
  const Options &options = session.options();
  if (options.checkpoint_every <= 0 && !options.restart)
    return false;
  return loop_checkpoint_detail::loop_start(
      session, executor, typeid(Body).name(), footprint,
      [&session, &space] { return space_fingerprint(session, space); });
}

template <class T, std::size_t N>
SpaceFingerprint space_fingerprint(Session &session, const weft::SparseArray<T, N> &a) {
  EntriesRecord &record = entries_record(session, a);
  const auto &entries = weft::detail::RuntimeAccess::entries(a);
  const std::uint64_t version = entries_version(a);
  const std::int64_t first = record.sliced() ? record.first() : 0;
  const auto count = static_cast<std::int64_t>(entries.size());
  loop_checkpoint_detail::EntriesDigest digest;
  if (!loop_checkpoint_detail::cached_digest(&record, entries.data(), count, version, first,
                                             digest)) {
    digest.count = count;
    digest.extents.assign(N, 0);
    std::uint64_t sum = 0;
    for (std::int64_t i = 0; i < count; ++i) {
      const weft::Entry<T, N> &e = entries[static_cast<std::size_t>(i)];
      std::uint64_t h = weft::detail::mix64(static_cast<std::uint64_t>(first + i) +
                                            weft::detail::kSplitmix64Gamma);
      for (std::size_t d = 0; d < N; ++d) {
        h = weft::detail::mix64(h ^ static_cast<std::uint64_t>(e.key[d]));
        digest.extents[d] = std::max(digest.extents[d], e.key[d] + 1);
      }
      sum += weft::detail::mix64(h ^ loop_checkpoint_detail::value_bits(e.value));
    }
    digest.sum = sum;
    loop_checkpoint_detail::store_digest(&record, entries.data(), count, version, first, digest);
  }
  return loop_checkpoint_detail::entries_fingerprint(session, record.sliced(), digest);
}

} // namespace weft::rt
