// weft/rt/options.h — the runtime's options, in one place (STYLE 12).
//
// A parallel program takes them from its command line and its environment; the command
// line wins. Every flag starts with --weft- and is removed from argv, so the program's
// own argument parsing never sees it.
//
//   flag                          environment            meaning
//   --weft-ranks=N                WEFT_RANKS             expected number of processes (0: any)
//   --weft-threads=N              WEFT_THREADS           TBB worker threads per process
//                                                        (0: this node's cores / its processes)
//   --weft-checkpoint-every=N     WEFT_CHECKPOINT_EVERY  epochs between checkpoints (0: none)
//   --weft-checkpoint-dir=D       WEFT_CHECKPOINT_DIR    where checkpoints go
//   --weft-restart                WEFT_RESTART=1         resume from the newest complete checkpoint
//   --weft-partition-bytes=B      WEFT_PARTITION_BYTES   communication partition size (K, M, G
//   suffixes)
//   --weft-credit-bytes=B         WEFT_CREDIT_BYTES      bytes allowed in flight
//   --weft-comm-tuning=N          WEFT_COMM_TUNING       loops spent trying scheduler settings
//                                                        (0: use the two above as given)
//   --weft-comm-policy=P          WEFT_COMM_POLICY       how transfers are scheduled: priority
//                                                        (default), or a baseline: fifo,
//                                                        buckets (DDP), fusion (Horovod)
//   --weft-emulate-link=G[,L]     WEFT_EMULATE_LINK      emulate a link of G Gb/s and L us of
//                                                        latency for every process's sends
//                                                        (off by default; 0 or off: off)
//   --weft-partitions-per-rank=M  WEFT_PARTITIONS_PER_RANK  rotation_2d's time partitions per
//   process
//   --weft-cache-bytes=B          WEFT_CACHE_BYTES       working set of one cache block
//   (rotation_2d)
//   --weft-wait-timeout=S         WEFT_WAIT_TIMEOUT      seconds before a wait for other processes
//                                                        is an error (default 300; 0: wait forever)
//   --weft-materialize=eager|lazy WEFT_MATERIALIZE       when a partitioned array is made whole
//   again:
//                                                        at the end of each loop (default), or at
//                                                        its first serial access
//   --weft-output=all|root        WEFT_OUTPUT            whose standard output is shown: every
//                                                        process's, or only rank 0's
//
// Flags take their value after '=' or as the next argument (--weft-threads 4). A bad
// value, an unknown --weft- flag or a missing value is an OptionError naming the flag.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "weft/detail/error.h"

namespace weft::rt {

// A bad runtime option: the message names the flag (or environment variable) and the value.
struct OptionError : weft::Error {
  using weft::Error::Error;
};

// Whose standard output a parallel program shows. Every process runs the serial code
// of the program, so a generated program shows only rank 0's (its output is then the
// serial program's); standard error is always every process's.
enum class Output { All, Root };

struct Options {
  // Number of processes the program expects; 0 accepts whatever mpirun started.
  int ranks = 0;
  // TBB worker threads per process; 0 means the node's cores divided by the processes
  // sharing the node (at least 1).
  int threads = 0;
  // Write a checkpoint after every this many epochs; 0 writes none.
  int checkpoint_every = 0;
  std::string checkpoint_dir = "weft-checkpoints";
  // Resume from the newest complete checkpoint in checkpoint_dir.
  bool restart = false;
  // Communication scheduling (DESIGN section 5, comm_scheduler.h): transfers are cut
  // into partitions of this many bytes, with at most credit_bytes in flight. A loop that
  // runs many times tunes both for up to comm_tuning_loops runs after its first (untimed)
  // run, each run one probe of the Bayesian optimizer of comm_tuner.h, and keeps the
  // setting it predicts fastest (0: these, as given).
  std::int64_t partition_bytes = std::int64_t{4} << 20;
  std::int64_t credit_bytes = std::int64_t{16} << 20;
  int comm_tuning_loops = 6;
  // The transfer scheduler's policy (comm_policy.h): "priority", or a baseline to compare
  // with: "fifo", "buckets" (PyTorch DDP), "fusion" (Horovod).
  std::string comm_policy = "priority";
  // An emulated link (transfer_scheduler.h) under every process's scheduled sends, so
  // that processes of one machine stand in for machines on a network: its rate in Gb/s
  // (0: off, the default) and its latency in microseconds.
  double emulated_link_gbps = 0;
  double emulated_link_latency_us = 0;
  // rotation_2d: time partitions per process (1 for one process). More partitions give
  // the ring more slack to overlap a transfer with compute.
  int partitions_per_rank = 2;
  // rotation_2d: bytes of array rows that one cache block may touch (both dimensions
  // together). A quarter of a 1 MiB L2 measured best for SGD-MF at K = 16 and 32 (the
  // entries streaming through and the rows of the next tile need room too).
  std::int64_t cache_bytes = std::int64_t{256} << 10;
  // A wait for other processes (a message, a collective operation) that takes longer
  // than this many seconds is an error naming the operation (weft::rt::TimeoutError): a
  // process that stopped, failed or lost a message must not hang the others. 0 waits
  // forever. The same default in every build.
  double wait_timeout_seconds = 300;
  // Eager (the default): a partitioned array is made whole at the end of each loop.
  // Lazy: at its first serial access, through a page fault (a following loop with the
  // same partitioning moves no data); only for programs that never give an element's
  // address to a system call, a library's thread or a signal handler of their own
  // (docs/design.md, "What serial code sees").
  bool lazy_materialize = false;
  // Pipeline loops (pipeline.h): the stages (0: as many as the processes and the loop's
  // legal cuts allow, the processes spread over them), microbatches per minibatch (0:
  // one per replica of the most replicated stage, times 4 per stage in a pipeline) and
  // the schedule ("flush", "gpipe"; "1f1b" or "2bw" where the loop's pragma allows it).
  int pipeline_stages = 0;
  int pipeline_microbatches = 0;
  std::string pipeline_schedule; // empty: the loop's (its pragma's schedule, or flush)
  // Print each process's busy and idle time after every pipeline loop (standard error).
  bool pipeline_stats = false;
  // Write the profile each pipeline loop is planned from to this file (process 0; JSON
  // if the name ends in ".json", else PipeDream's graph.txt); empty: none.
  std::string pipeline_profile;
  // Set by --weft-output; when unset, the Session's constructor decides (Output::All
  // unless the program asks for Output::Root).
  std::optional<Output> output;
};

// Reads the options from the environment (getenv) and then from argv, removing every
// --weft- argument (and a separate value) from argc/argv. Throws OptionError.
Options parse_options(int &argc, char **argv);

// The same with a given environment lookup (tests): getenv(name) or nullptr.
Options parse_options(int &argc, char **argv, const char *(*getenv)(const char *));

// One line per option, for --help texts.
const char *options_help();

} // namespace weft::rt
