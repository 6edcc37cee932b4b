// What both kinds of checkpoint share (checkpoint.h): the files of a checkpoint, their
// writing, the choice of the one a restart resumes from, and its loading. Internal to
// dsm-runtime (checkpoint.cpp, loop_checkpoints.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "weft/rt/checkpoint.h"

namespace weft::rt::checkpoint_files {

using Value = Checkpoint::Value;

// An array a checkpoint holds: its handle, and its record (nullptr: whole, no record).
struct StoredArray {
  ArrayHandle handle;
  ArrayRecord *record = nullptr;
};

struct Manifest {
  std::int64_t epoch = -1;
  int processes = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> files; // bytes, checksum
  nlohmann::json json;
};

// The checkpoint a restart resumes from: its index (-1: none, start afresh), directory
// and manifest.
struct Chosen {
  std::int64_t index = -1;
  std::string dir;
  Manifest manifest;
};

// "%016llx"
std::string hex(std::uint64_t v);

// Every process throws the error of the lowest process that has one (collective).
void agree(Transport &net, const std::optional<std::string> &mine);

// Writes checkpoint <directory>/<prefix><index> (collective): every process its rank
// file (the parts of `arrays` it owns; on rank 0 also `values`), then rank 0 the
// manifest (with what `extra` adds) and the retention: the new checkpoint and the
// newest complete one older than it are kept, every other <prefix>* directory goes
// (older ones, and newer ones that a run abandoned by a crash or an earlier job left).
void write_checkpoint(Session &session, const std::string &directory, const std::string &prefix,
                      std::int64_t index, const std::string &name,
                      const std::vector<StoredArray> &arrays, const std::vector<Value> &values,
                      const std::function<void(nlohmann::json &)> &extra);

// The checkpoint under `directory` that a restart resumes from (see checkpoint.h).
// Collective: rank 0 looks, prints the notes and warnings (and, when there is none,
// "no complete checkpoint in <directory>; starting from <fresh_start>"), and tells every
// process; a damaged newest checkpoint with nothing older usable is a weft::Error on
// every process.
Chosen choose_checkpoint(Transport &net, const std::string &directory, const std::string &prefix,
                         const char *fresh_start);

// Reads every rank file of a chosen checkpoint into `arrays` (made whole) and `values`.
// Throws weft::Error on this process (the caller agrees).
void load_checkpoint(const Chosen &chosen, const std::vector<StoredArray> &arrays,
                     const std::vector<Value> &values);

// A hand-written Checkpoint turns the checkpoints of the session's loops off
// (loop_checkpoints.cpp).
void turn_off_loop_checkpoints(Session &session);

} // namespace weft::rt::checkpoint_files
