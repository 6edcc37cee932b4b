// weft/rt/mpi.h — value-semantics wrappers over MPI (STYLE 11) and the runtime's one
// path for messages (Transport).
//
// Every MPI call of the runtime goes through check(): communicators use
// MPI_ERRORS_RETURN, and a failed call becomes an MpiError naming the call and the rank.
// Ownership:
//   Comm     shares its communicator between copies (like a reference-counted
//            isl object; MPI_Comm_dup is collective, so a copy cannot duplicate); the
//            last copy frees it. Comm::dup() makes a new one, collectively.
//   Request  owns one pending operation; move-only. Destroying an active request cancels
//            it and completes it, so MPI never writes into memory that has been freed.
//   Window   owns an RMA window; move-only; freed (collectively) on destruction.
#pragma once

// The C API only: MPI's deprecated C++ bindings warn under -Wextra.
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "weft/detail/error.h"

namespace weft::rt {

// A failed MPI call: "MPI_Isend failed on rank 2: MPI_ERR_RANK: invalid rank".
struct MpiError : weft::Error {
  using weft::Error::Error;
};

// A wait that took longer than Options::wait_timeout_seconds: "rank 2: waited more than
// 300 s for MPI_Iallreduce (sum) (...)". Every wait of the runtime has this deadline, in
// every build, so that a process that stopped or failed never leaves the others waiting.
struct TimeoutError : weft::Error {
  using weft::Error::Error;
};

// Throws MpiError unless rc is MPI_SUCCESS.
void check(int rc, const char *call, int rank);

// This process's rank in MPI_COMM_WORLD (-1 before MPI_Init), for messages.
int world_rank();

// The deadline, in seconds, of the waits that no Transport makes (Comm::dup, split,
// split_node, Window::allocate and fence); 0 waits forever. The Session sets it from
// Options::wait_timeout_seconds.
void set_wait_timeout(double seconds);
double wait_timeout();

// One step of a wait's backoff after `polls` unsuccessful polls, `elapsed_seconds` after
// the wait began; past `timeout_seconds` (unless 0) throws a TimeoutError
// "rank R: waited more than S s for <what> (...)".
void back_off(long polls, double elapsed_seconds, const std::string &what, double timeout_seconds,
              int rank);

// Transfers a scheduler holds back under its credit window (CommScheduler,
// TransferScheduler) leave only when something calls its progress(). A process that waits
// for anything else meanwhile (a collective, another transfer) must still let them leave,
// or two processes can each wait for what the other holds: rotation_2d's ring queues a
// partition's sends and its process goes on into the Buffers' all-gather, which the
// receiver joins only once that partition has arrived (docs/design.md, "Communication
// scheduling"). A WaitProgress registers a scheduler's progress step on the calling thread
// for its lifetime; every wait of that thread runs the registered steps between polls.
class WaitProgress {
public:
  // `step` must not wait (it tests and starts operations).
  explicit WaitProgress(std::function<void()> step);
  ~WaitProgress();
  WaitProgress(const WaitProgress &) = delete;
  WaitProgress &operator=(const WaitProgress &) = delete;

  // Runs every step registered on this thread once, oldest first; a step that causes a
  // wait does not run the steps again from inside it.
  static void run_all();

private:
  std::function<void()> step_;
};

// Polls `done` (which should make progress, e.g. by testing requests) until it returns
// true, with the registered WaitProgress steps and back_off() between polls.
template <class Done>
void wait_with_deadline(Done &&done, const std::string &what, double timeout_seconds, int rank) {
  const auto start = std::chrono::steady_clock::now();
  for (long polls = 0; !done(); ++polls) {
    WaitProgress::run_all();
    back_off(polls, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
             what, timeout_seconds, rank);
  }
}

class Comm {
public:
  Comm() = default;
  // MPI_COMM_WORLD itself (not freed); sets MPI_ERRORS_RETURN on it.
  static Comm world();
  // Takes ownership of `comm` (freed by the last copy) and sets MPI_ERRORS_RETURN.
  static Comm adopt(MPI_Comm comm);

  Comm dup() const;                     // collective
  Comm split(int color, int key) const; // collective; color MPI_UNDEFINED gives a null Comm
  // The processes of this communicator that share this node (MPI_COMM_TYPE_SHARED).
  Comm split_node() const; // collective

  bool valid() const { return handle_ != nullptr; }
  MPI_Comm get() const { return handle_ ? *handle_ : MPI_COMM_NULL; }
  int rank() const { return rank_; }
  int size() const { return size_; }

private:
  std::shared_ptr<MPI_Comm> handle_;
  int rank_ = -1;
  int size_ = 0;
};

class Request {
public:
  Request() = default;
  Request(const Request &) = delete;
  Request &operator=(const Request &) = delete;
  Request(Request &&other) noexcept;
  Request &operator=(Request &&other) noexcept;
  ~Request();

  // For MPI calls that start an operation: `what` describes it for error messages
  // ("MPI_Irecv from rank 3, tag 7, 4096 bytes"). start: a point-to-point operation
  // (cancelled on destruction); start_collective: a nonblocking collective, which MPI
  // cannot cancel: destroying it active (an error unwinding) drops it.
  MPI_Request *start(std::string what);
  MPI_Request *start_collective(std::string what);

  bool active() const { return request_ != MPI_REQUEST_NULL; }
  const std::string &what() const { return what_; }
  // True once the operation has completed (then the request is inactive).
  bool test();
  MPI_Request &raw() { return request_; }

private:
  void cancel() noexcept;
  MPI_Request request_ = MPI_REQUEST_NULL;
  std::string what_;
  bool cancellable_ = true;
};

class Window {
public:
  Window() = default;
  Window(const Window &) = delete;
  Window &operator=(const Window &) = delete;
  Window(Window &&other) noexcept;
  Window &operator=(Window &&other) noexcept;
  ~Window();

  // Allocates `bytes` bytes on every process of `comm` and exposes them (collective).
  // (MPI_Win_allocate rather than MPI_Win_create: OpenMPI's shared-memory one-sided
  // component serves only memory it allocated, e.g. for a single process.)
  static Window allocate(const Comm &comm, std::int64_t bytes);
  std::byte *base() const { return base_; }
  void fence(); // collective
  void get(void *into, std::int64_t bytes, int target, std::int64_t offset);
  void put(const void *from, std::int64_t bytes, int target, std::int64_t offset);
  MPI_Win get_raw() const { return window_; }

private:
  MPI_Win window_ = MPI_WIN_NULL;
  Comm comm_; // for the barrier before a fence
  std::byte *base_ = nullptr;
  int rank_ = -1;
};

// What the runtime has sent: data (array rows, entries, updates) and control
// (reductions, counts, agreements), in messages and bytes. A message to each of the
// other processes counts once per process.
struct Traffic {
  std::int64_t data_messages = 0;
  std::int64_t data_bytes = 0;
  std::int64_t control_messages = 0;
  std::int64_t control_bytes = 0;

  Traffic operator-(const Traffic &o) const {
    return {data_messages - o.data_messages, data_bytes - o.data_bytes,
            control_messages - o.control_messages, control_bytes - o.control_bytes};
  }
};

enum class Kind { Data, Control };

// All messages of the runtime go through a Transport: it counts them (Traffic), and
// every wait polls with a deadline (Options::wait_timeout_seconds) so that a lost
// message ends in a TimeoutError naming the operation, never in a silent hang. Blocking
// collectives are their nonblocking versions plus such a wait. Main thread only
// (MPI_THREAD_FUNNELED).
class Transport {
public:
  Transport() = default;
  Transport(Comm comm, double wait_timeout_seconds);

  const Comm &comm() const { return comm_; }
  int rank() const { return comm_.rank(); }
  int size() const { return comm_.size(); }
  const Traffic &traffic() const { return traffic_; }

  Request isend(const void *data, std::int64_t bytes, int to, int tag, Kind kind = Kind::Data);
  Request irecv(void *data, std::int64_t bytes, int from, int tag);

  void wait(Request &request);
  void wait_all(std::vector<Request> &requests);
  // Polls `done` (which should make progress, e.g. by testing requests) with the same
  // backoff and deadline as wait(); `what` names what is awaited for the TimeoutError.
  template <class Done> void wait_until(Done &&done, const std::string &what);
  // Advances outstanding operations (MPI_Test on each active request).
  void poll(std::vector<Request> &requests);

  // `what` names the barrier in a TimeoutError.
  void barrier(const char *what = "MPI_Ibarrier");
  // Every process contributes `mine`; returns all contributions, concatenated in rank
  // order, and their sizes in `counts` (bytes).
  std::vector<std::byte> allgatherv(const void *mine, std::int64_t bytes,
                                    std::vector<std::int64_t> &counts, Kind kind = Kind::Data);
  // In place: process p's bytes are [displs[p], displs[p] + counts[p]) of `buffer`, on
  // every process; each fills the others' ranges.
  void allgatherv_in_place(void *buffer, const std::vector<std::int64_t> &counts,
                           const std::vector<std::int64_t> &displs, Kind kind = Kind::Data);
  // send[p] goes to process p; returns what each process sent here, indexed by sender.
  std::vector<std::vector<std::byte>> alltoallv(const std::vector<std::vector<std::byte>> &send,
                                                Kind kind = Kind::Data);
  // Element-wise sum / min / max of int64 values over all processes.
  void allreduce_sum(std::int64_t *values, int count);
  void allreduce_min(std::int64_t *values, int count);
  void allreduce_max(std::int64_t *values, int count);
  void allreduce_sum(double *values, int count);
  void allreduce_sum(float *values, int count); // data (gradients), not control
  // Sum of `value` over the processes before this one (0 on the first).
  std::int64_t exclusive_prefix_sum(std::int64_t value);
  // Every process's bytes, concatenated in rank order, at `root` only (counts too).
  std::vector<std::byte> gatherv(const void *mine, std::int64_t bytes, int root,
                                 std::vector<std::int64_t> &counts, Kind kind = Kind::Data);
  void broadcast(void *data, std::int64_t bytes, int root, Kind kind = Kind::Control);
  std::string broadcast(const std::string &text, int root);

  // Errors that some processes hit and others do not (a file one process cannot read,
  // inputs that differ), so that every process throws the same weft::Error and the
  // message is printed once, by the process it concerns:
  //
  // agree_on_error: collective; every process passes its error or nothing. Returns if no
  // process failed; otherwise fail_with(lowest failing rank, its message).
  //
  // fail_with: collective, every process with the same reporter; never returns. The
  // `reporter` throws weft::Error(message) at once (the other processes' `message` is
  // not used: they get the reporter's). Every other process waits until the
  // reporter uses the runtime again (any Transport operation, or its normal exit: then
  // the program went on after the error) and throws the same error then; if the
  // reporter's program ends on the error instead (a non-zero exit, an uncaught
  // exception), the Session ends the whole job first and the others never print it.
  // The wait has the Transport's deadline.
  void agree_on_error(const std::optional<std::string> &mine);
  [[noreturn]] void fail_with(int reporter, const std::string &message);

private:
  void allreduce(void *values, int count, MPI_Datatype type, MPI_Op op, const char *what,
                 Kind kind = Kind::Control);
  void count(Kind kind, std::int64_t messages, std::int64_t bytes);

  Comm comm_;
  double timeout_ = 0;
  Traffic traffic_;
};

// Called at the start of every Transport operation: if this process reported an error
// with fail_with() and went on, first lets the processes that wait for it throw too.
// Also called by the Session when the program exits normally.
void release_processes_waiting_for_a_reported_error();

template <class Done> void Transport::wait_until(Done &&done, const std::string &what) {
  wait_with_deadline(std::forward<Done>(done), what, timeout_, rank());
}

} // namespace weft::rt
