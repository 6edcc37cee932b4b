// weft/rt/checkpoint.h — checkpoint and restart of a training loop.
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
// iff its manifest is. The two newest complete checkpoints are kept.
//
// Restart (--weft-restart): resume() finds the newest complete checkpoint whose files
// match their manifest (sizes and FNV-1a checksums), every process reads every file of
// it (so the number of processes may differ from the run that wrote it), the tracked
// arrays become whole and the tracked values are restored; resume() returns the epoch
// after the checkpoint's. The executors are deterministic for a given number of
// processes and workers, so the restarted run ends with the same model as one that was
// never interrupted. Without --weft-restart, or without a complete checkpoint, resume()
// returns 0 (with a message in the second case).
//
// Errors (an unwritable directory, a corrupt checkpoint when nothing older is usable)
// are weft::Error on every process.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "weft/rt/distribution.h"
#include "weft/rt/session.h"

namespace weft::rt {

class Checkpoint {
 public:
  // Checkpoints go to <directory>/<name>; directory defaults to Options::checkpoint_dir.
  Checkpoint(Session& session, std::string name, std::string directory = "");

  template <class T, std::size_t N>
  Checkpoint& track(weft::DistArray<T, N>& a) {
    arrays_.push_back(handle_of(a));
    return *this;
  }
  // A value of trivially copyable type that every process holds alike (a random
  // generator's state, a learning-rate schedule...).
  template <class T>
  Checkpoint& track_value(T& v) {
    static_assert(std::is_trivially_copyable_v<T>, "weft::rt::Checkpoint tracks trivially copyable values");
    values_.push_back(Value{reinterpret_cast<std::byte*>(&v), sizeof(T)});
    return *this;
  }

  // The epoch to start at: load_newest() with --weft-restart, else 0 (collective).
  int resume();
  // Loads the newest complete checkpoint, if any, and returns the epoch after it; 0 if
  // there is none (collective).
  int load_newest();
  // After epoch `epoch` (0-based): writes a checkpoint if (epoch + 1) is a multiple of
  // Options::checkpoint_every (collective).
  void end_epoch(int epoch);
  // Writes the checkpoint of `epoch` now (collective).
  void write(int epoch);

  // <checkpoint_dir>/<name>
  const std::string& directory() const { return directory_; }

 private:
  struct Value {
    std::byte* data;
    std::size_t bytes;
  };
  Session& session_;
  std::string name_;
  std::string directory_;
  std::vector<ArrayHandle> arrays_;
  std::vector<Value> values_;
};

}  // namespace weft::rt
