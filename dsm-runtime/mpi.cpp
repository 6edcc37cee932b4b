// MPI wrappers and the Transport: every MPI call of the runtime, checked.
#include "weft/rt/mpi.h"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <thread>
#include <utility>

namespace weft::rt {
namespace {

std::string error_string(int rc) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(rc, text, &length) != MPI_SUCCESS)
    return "MPI error " + std::to_string(rc);
  return std::string(text, static_cast<std::size_t>(length));
}

int to_int(std::int64_t bytes, const char *what) {
  if (bytes < 0 || bytes > INT_MAX) {
    throw weft::Error(std::string(what) + ": " + std::to_string(bytes) +
                      " bytes do not fit one MPI message (at most 2^31 - 1)");
  }
  return static_cast<int>(bytes);
}

std::vector<int> to_ints(const std::vector<std::int64_t> &v, const char *what) {
  std::vector<int> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    out[i] = to_int(v[i], what);
  return out;
}

double process_wait_timeout = 300;

// The reporter's side of Transport::fail_with: the communicator on which the other
// processes wait (an MPI_Ibarrier) until this one goes on.
struct OwedRelease {
  Comm comm;
  double timeout = 0;
};
std::optional<OwedRelease> owed_release;

// "300", "0.5"
std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

// Waits for `request` with the process-wide deadline (the waits outside a Transport).
void await(MPI_Request &request, const std::string &what, int rank) {
  wait_with_deadline(
      [&] {
        int done = 0;
        check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), ("MPI_Test (" + what + ")").c_str(),
              rank);
        return done != 0;
      },
      what, process_wait_timeout, rank);
}

// Every process of `comm` has arrived here (with the deadline): the blocking collective
// that follows cannot wait for a process that stopped.
void arrive_together(MPI_Comm comm, const char *before, int rank) {
  release_processes_waiting_for_a_reported_error();
  MPI_Request request = MPI_REQUEST_NULL;
  const std::string what = std::string("MPI_Ibarrier before ") + before;
  check(MPI_Ibarrier(comm, &request), what.c_str(), rank);
  await(request, what, rank); // past the deadline the request stays: the error ends the job
}

} // namespace

namespace {
// The WaitProgress steps of this thread, oldest first, and whether they are running.
thread_local std::vector<WaitProgress *> wait_progress_steps;
thread_local bool wait_progress_running = false;
} // namespace

WaitProgress::WaitProgress(std::function<void()> step) : step_(std::move(step)) {
  wait_progress_steps.push_back(this);
}

WaitProgress::~WaitProgress() {
  const auto at = std::find(wait_progress_steps.begin(), wait_progress_steps.end(), this);
  if (at == wait_progress_steps.end()) { // a destructor must not throw
    std::fprintf(stderr,
                 "weft: internal error: %s:%d: a WaitProgress ends on another thread "
                 "than the one that registered it\n",
                 __FILE__, __LINE__);
    std::abort();
  }
  wait_progress_steps.erase(at);
}

void WaitProgress::run_all() {
  if (wait_progress_running || wait_progress_steps.empty())
    return;
  wait_progress_running = true;
  struct Reset {
    ~Reset() { wait_progress_running = false; }
  } reset;
  // By index: a step may end (an error unwinding) and deregister another.
  for (std::size_t i = 0; i < wait_progress_steps.size(); ++i)
    wait_progress_steps[i]->step_();
}

void set_wait_timeout(double seconds) { process_wait_timeout = seconds; }
double wait_timeout() { return process_wait_timeout; }

void back_off(long polls, double elapsed_seconds, const std::string &what, double timeout_seconds,
              int rank) {
  // Polling rather than MPI_Wait: the deadline below, and a process that shares its core
  // (more processes than cores) yields it while it waits.
  if (polls < 2000)
    return;
  if (polls < 20000) {
    sched_yield();
    return;
  }
  if (timeout_seconds > 0 && elapsed_seconds > timeout_seconds) {
    throw TimeoutError(
        "rank " + std::to_string(rank) + ": waited more than " + format_seconds(timeout_seconds) +
        " s for " + what +
        " (a process stopped, failed, or is far behind; --weft-wait-timeout sets the limit)");
  }
  // Long waits sleep longer, up to 1 ms, so that a process idling at a barrier while
  // others compute does not steal their cores with wake-ups.
  const long doublings = std::min<long>(6, (polls - 20000) / 64);
  std::this_thread::sleep_for(std::chrono::microseconds(std::min<long>(1000, 20L << doublings)));
}

void release_processes_waiting_for_a_reported_error() {
  if (!owed_release)
    return;
  const OwedRelease owed = std::move(*owed_release);
  owed_release.reset();
  const int rank = owed.comm.rank();
  MPI_Request request = MPI_REQUEST_NULL;
  const char *what = "MPI_Ibarrier (letting the other processes throw the error this one reported)";
  check(MPI_Ibarrier(owed.comm.get(), &request), what, rank);
  wait_with_deadline(
      [&] {
        int done = 0;
        check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), what, rank);
        return done != 0;
      },
      what, owed.timeout, rank);
}

int world_rank() {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (!initialized || finalized)
    return -1;
  int rank = -1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

void check(int rc, const char *call, int rank) {
  if (rc == MPI_SUCCESS)
    return;
  throw MpiError(std::string(call) + " failed on rank " + std::to_string(rank) + ": " +
                 error_string(rc));
}

// ---------------------------------------------------------------------------------------
// Comm

Comm Comm::world() {
  Comm c;
  check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler",
        world_rank());
  c.handle_ = std::make_shared<MPI_Comm>(MPI_COMM_WORLD);
  check(MPI_Comm_rank(MPI_COMM_WORLD, &c.rank_), "MPI_Comm_rank", world_rank());
  check(MPI_Comm_size(MPI_COMM_WORLD, &c.size_), "MPI_Comm_size", world_rank());
  return c;
}

Comm Comm::adopt(MPI_Comm comm) {
  Comm c;
  if (comm == MPI_COMM_NULL)
    return c;
  c.handle_ = std::shared_ptr<MPI_Comm>(new MPI_Comm(comm), [](MPI_Comm *p) {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized)
      MPI_Comm_free(p); // a destructor cannot report; freeing fails only on misuse
    delete p;
  });
  check(MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler", world_rank());
  check(MPI_Comm_rank(comm, &c.rank_), "MPI_Comm_rank", world_rank());
  check(MPI_Comm_size(comm, &c.size_), "MPI_Comm_size", world_rank());
  return c;
}

Comm Comm::dup() const {
  release_processes_waiting_for_a_reported_error();
  MPI_Comm out = MPI_COMM_NULL;
  MPI_Request request = MPI_REQUEST_NULL;
  check(MPI_Comm_idup(get(), &out, &request), "MPI_Comm_idup", world_rank());
  await(request, "MPI_Comm_idup", world_rank());
  return adopt(out);
}

// MPI has no nonblocking split: a barrier with the deadline first.
Comm Comm::split(int color, int key) const {
  arrive_together(get(), "MPI_Comm_split", world_rank());
  MPI_Comm out = MPI_COMM_NULL;
  check(MPI_Comm_split(get(), color, key, &out), "MPI_Comm_split", world_rank());
  return adopt(out);
}

Comm Comm::split_node() const {
  arrive_together(get(), "MPI_Comm_split_type", world_rank());
  MPI_Comm out = MPI_COMM_NULL;
  check(MPI_Comm_split_type(get(), MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &out),
        "MPI_Comm_split_type", world_rank());
  return adopt(out);
}

// ---------------------------------------------------------------------------------------
// Request

Request::Request(Request &&other) noexcept
    : request_(std::exchange(other.request_, MPI_REQUEST_NULL)), what_(std::move(other.what_)),
      cancellable_(other.cancellable_) {}

Request &Request::operator=(Request &&other) noexcept {
  if (this != &other) {
    cancel();
    request_ = std::exchange(other.request_, MPI_REQUEST_NULL);
    what_ = std::move(other.what_);
    cancellable_ = other.cancellable_;
  }
  return *this;
}

Request::~Request() { cancel(); }

MPI_Request *Request::start(std::string what) {
  cancel();
  what_ = std::move(what);
  cancellable_ = true;
  return &request_;
}

MPI_Request *Request::start_collective(std::string what) {
  cancel();
  what_ = std::move(what);
  cancellable_ = false;
  return &request_;
}

bool Request::test() {
  if (request_ == MPI_REQUEST_NULL)
    return true;
  int done = 0;
  // The message is built only on failure: schedulers test many requests per poll.
  const int rc = MPI_Test(&request_, &done, MPI_STATUS_IGNORE);
  if (rc != MPI_SUCCESS)
    check(rc, ("MPI_Test (" + what_ + ")").c_str(), world_rank());
  return done != 0;
}

void Request::cancel() noexcept {
  if (request_ == MPI_REQUEST_NULL)
    return;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && cancellable_) {
    // Only reached when an error unwinds past an outstanding operation: cancel it and
    // wait for the cancellation (or completion), so that no buffer is written later.
    MPI_Cancel(&request_);
    MPI_Wait(&request_, MPI_STATUS_IGNORE);
  }
  // A collective can be neither cancelled nor freed, and waiting for it would wait for
  // the process that the error is about (a TimeoutError): it is dropped. Its communicator
  // is unusable from here on; the program is expected to end on the error.
  request_ = MPI_REQUEST_NULL;
}

// ---------------------------------------------------------------------------------------
// Window

Window::Window(Window &&other) noexcept
    : window_(std::exchange(other.window_, MPI_WIN_NULL)), comm_(std::move(other.comm_)),
      base_(other.base_), rank_(other.rank_) {}

Window &Window::operator=(Window &&other) noexcept {
  if (this != &other) {
    if (window_ != MPI_WIN_NULL)
      MPI_Win_free(&window_);
    window_ = std::exchange(other.window_, MPI_WIN_NULL);
    comm_ = std::move(other.comm_);
    base_ = other.base_;
    rank_ = other.rank_;
  }
  return *this;
}

Window::~Window() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (window_ != MPI_WIN_NULL && !finalized)
    MPI_Win_free(&window_);
}

Window Window::allocate(const Comm &comm, std::int64_t bytes) {
  Window w;
  w.rank_ = comm.rank();
  w.comm_ = comm;
  arrive_together(comm.get(), "MPI_Win_allocate", w.rank_);
  check(MPI_Win_allocate(static_cast<MPI_Aint>(bytes), 1, MPI_INFO_NULL, comm.get(), &w.base_,
                         &w.window_),
        "MPI_Win_allocate", w.rank_);
  check(MPI_Win_set_errhandler(w.window_, MPI_ERRORS_RETURN), "MPI_Win_set_errhandler", w.rank_);
  return w;
}

void Window::fence() {
  // No nonblocking fence: every process must have arrived first (with the deadline).
  arrive_together(comm_.get(), "MPI_Win_fence", rank_);
  check(MPI_Win_fence(0, window_), "MPI_Win_fence", rank_);
}

void Window::get(void *into, std::int64_t bytes, int target, std::int64_t offset) {
  check(MPI_Get(into, to_int(bytes, "MPI_Get"), MPI_BYTE, target, static_cast<MPI_Aint>(offset),
                to_int(bytes, "MPI_Get"), MPI_BYTE, window_),
        "MPI_Get", rank_);
}

void Window::put(const void *from, std::int64_t bytes, int target, std::int64_t offset) {
  check(MPI_Put(from, to_int(bytes, "MPI_Put"), MPI_BYTE, target, static_cast<MPI_Aint>(offset),
                to_int(bytes, "MPI_Put"), MPI_BYTE, window_),
        "MPI_Put", rank_);
}

// ---------------------------------------------------------------------------------------
// Transport

Transport::Transport(Comm comm, double wait_timeout_seconds)
    : comm_(std::move(comm)), timeout_(wait_timeout_seconds) {}

void Transport::count(Kind kind, std::int64_t messages, std::int64_t bytes) {
  if (kind == Kind::Data) {
    traffic_.data_messages += messages;
    traffic_.data_bytes += bytes;
  } else {
    traffic_.control_messages += messages;
    traffic_.control_bytes += bytes;
  }
}

Request Transport::isend(const void *data, std::int64_t bytes, int to, int tag, Kind kind) {
  release_processes_waiting_for_a_reported_error();
  Request r;
  std::string what = "MPI_Isend to rank " + std::to_string(to) + ", tag " + std::to_string(tag) +
                     ", " + std::to_string(bytes) + " bytes";
  MPI_Request *raw = r.start(std::move(what));
  check(MPI_Isend(data, to_int(bytes, "MPI_Isend"), MPI_BYTE, to, tag, comm_.get(), raw),
        r.what().c_str(), rank());
  count(kind, 1, bytes);
  return r;
}

Request Transport::irecv(void *data, std::int64_t bytes, int from, int tag) {
  release_processes_waiting_for_a_reported_error();
  Request r;
  std::string what = "MPI_Irecv from rank " + std::to_string(from) + ", tag " +
                     std::to_string(tag) + ", " + std::to_string(bytes) + " bytes";
  MPI_Request *raw = r.start(std::move(what));
  check(MPI_Irecv(data, to_int(bytes, "MPI_Irecv"), MPI_BYTE, from, tag, comm_.get(), raw),
        r.what().c_str(), rank());
  return r;
}

void Transport::wait(Request &request) {
  wait_until([&request] { return request.test(); }, request.what());
}

void Transport::wait_all(std::vector<Request> &requests) {
  for (Request &r : requests)
    wait(r);
}

void Transport::poll(std::vector<Request> &requests) {
  for (Request &r : requests)
    r.test();
}

void Transport::barrier(const char *what) {
  release_processes_waiting_for_a_reported_error();
  Request r;
  check(MPI_Ibarrier(comm_.get(), r.start_collective(what)), "MPI_Ibarrier", rank());
  count(Kind::Control, size() - 1, 0);
  wait(r);
}

std::vector<std::byte> Transport::allgatherv(const void *mine, std::int64_t bytes,
                                             std::vector<std::int64_t> &counts, Kind kind) {
  release_processes_waiting_for_a_reported_error();
  const int p = size();
  counts.assign(static_cast<std::size_t>(p), 0);
  {
    std::int64_t b = bytes;
    Request r;
    check(MPI_Iallgather(&b, 1, MPI_INT64_T, counts.data(), 1, MPI_INT64_T, comm_.get(),
                         r.start_collective("MPI_Iallgather of byte counts")),
          "MPI_Iallgather", rank());
    count(Kind::Control, p - 1, 8 * (p - 1));
    wait(r);
  }
  std::vector<std::int64_t> displs(static_cast<std::size_t>(p), 0);
  std::int64_t total = 0;
  for (int q = 0; q < p; ++q) {
    displs[q] = total;
    total += counts[q];
  }
  std::vector<std::byte> out(static_cast<std::size_t>(total));
  const std::vector<int> c = to_ints(counts, "MPI_Iallgatherv");
  const std::vector<int> d = to_ints(displs, "MPI_Iallgatherv");
  Request r;
  check(
      MPI_Iallgatherv(mine, to_int(bytes, "MPI_Iallgatherv"), MPI_BYTE, out.data(), c.data(),
                      d.data(), MPI_BYTE, comm_.get(),
                      r.start_collective("MPI_Iallgatherv of " + std::to_string(total) + " bytes")),
      "MPI_Iallgatherv", rank());
  count(kind, p - 1, bytes * (p - 1));
  wait(r);
  return out;
}

void Transport::allgatherv_in_place(void *buffer, const std::vector<std::int64_t> &counts,
                                    const std::vector<std::int64_t> &displs, Kind kind) {
  release_processes_waiting_for_a_reported_error();
  const int p = size();
  const std::vector<int> c = to_ints(counts, "MPI_Iallgatherv");
  const std::vector<int> d = to_ints(displs, "MPI_Iallgatherv");
  Request r;
  check(MPI_Iallgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buffer, c.data(), d.data(), MPI_BYTE,
                        comm_.get(), r.start_collective("MPI_Iallgatherv in place")),
        "MPI_Iallgatherv", rank());
  count(kind, p - 1, counts[static_cast<std::size_t>(rank())] * (p - 1));
  wait(r);
}

std::vector<std::vector<std::byte>>
Transport::alltoallv(const std::vector<std::vector<std::byte>> &send, Kind kind) {
  release_processes_waiting_for_a_reported_error();
  const int p = size();
  std::vector<std::int64_t> send_counts(static_cast<std::size_t>(p)),
      recv_counts(static_cast<std::size_t>(p));
  for (int q = 0; q < p; ++q)
    send_counts[q] = static_cast<std::int64_t>(send[q].size());
  {
    Request r;
    check(MPI_Ialltoall(send_counts.data(), 1, MPI_INT64_T, recv_counts.data(), 1, MPI_INT64_T,
                        comm_.get(), r.start_collective("MPI_Ialltoall of byte counts")),
          "MPI_Ialltoall", rank());
    count(Kind::Control, p - 1, 8 * (p - 1));
    wait(r);
  }
  // Point-to-point rather than MPI_Ialltoallv: no packing into one buffer, and empty
  // pairs send nothing.
  std::vector<std::vector<std::byte>> received(static_cast<std::size_t>(p));
  std::vector<Request> requests;
  constexpr int kTag = 0x7e57;
  for (int q = 0; q < p; ++q) {
    received[q].resize(static_cast<std::size_t>(recv_counts[q]));
    if (q == rank()) {
      received[q] = send[q];
    } else if (recv_counts[q] > 0) {
      requests.push_back(irecv(received[q].data(), recv_counts[q], q, kTag));
    }
  }
  for (int q = 0; q < p; ++q) {
    if (q != rank() && send_counts[q] > 0)
      requests.push_back(isend(send[q].data(), send_counts[q], q, kTag, kind));
  }
  wait_all(requests);
  return received;
}

void Transport::allreduce(void *values, int n, MPI_Datatype type, MPI_Op op, const char *what,
                          Kind kind) {
  release_processes_waiting_for_a_reported_error();
  Request r;
  check(MPI_Iallreduce(MPI_IN_PLACE, values, n, type, op, comm_.get(), r.start_collective(what)),
        "MPI_Iallreduce", rank());
  int element_bytes = 0;
  check(MPI_Type_size(type, &element_bytes), "MPI_Type_size", rank());
  count(kind, size() - 1, std::int64_t{element_bytes} * n);
  wait(r);
}

void Transport::allreduce_sum(std::int64_t *values, int n) {
  allreduce(values, n, MPI_INT64_T, MPI_SUM, "MPI_Iallreduce (sum)");
}
void Transport::allreduce_min(std::int64_t *values, int n) {
  allreduce(values, n, MPI_INT64_T, MPI_MIN, "MPI_Iallreduce (min)");
}
void Transport::allreduce_max(std::int64_t *values, int n) {
  allreduce(values, n, MPI_INT64_T, MPI_MAX, "MPI_Iallreduce (max)");
}
void Transport::allreduce_sum(double *values, int n) {
  allreduce(values, n, MPI_DOUBLE, MPI_SUM, "MPI_Iallreduce (sum)");
}

void Transport::allreduce_sum(float *values, int n) {
  allreduce(values, n, MPI_FLOAT, MPI_SUM, "MPI_Iallreduce (sum)", Kind::Data);
}

std::int64_t Transport::exclusive_prefix_sum(std::int64_t value) {
  release_processes_waiting_for_a_reported_error();
  std::int64_t result = 0;
  Request r;
  check(MPI_Iexscan(&value, &result, 1, MPI_INT64_T, MPI_SUM, comm_.get(),
                    r.start_collective("MPI_Iexscan")),
        "MPI_Iexscan", rank());
  count(Kind::Control, 1, 8);
  wait(r);
  return rank() == 0 ? 0 : result; // MPI leaves the first process's result undefined
}

std::vector<std::byte> Transport::gatherv(const void *mine, std::int64_t bytes, int root,
                                          std::vector<std::int64_t> &counts, Kind kind) {
  release_processes_waiting_for_a_reported_error();
  const int p = size();
  counts.assign(static_cast<std::size_t>(p), 0);
  {
    std::int64_t b = bytes;
    Request r;
    check(MPI_Igather(&b, 1, MPI_INT64_T, counts.data(), 1, MPI_INT64_T, root, comm_.get(),
                      r.start_collective("MPI_Igather of byte counts")),
          "MPI_Igather", rank());
    count(Kind::Control, rank() == root ? 0 : 1, rank() == root ? 0 : 8);
    wait(r);
  }
  std::vector<std::byte> out;
  std::vector<int> c, d;
  if (rank() == root) {
    std::vector<std::int64_t> displs(static_cast<std::size_t>(p), 0);
    std::int64_t total = 0;
    for (int q = 0; q < p; ++q) {
      displs[q] = total;
      total += counts[q];
    }
    out.resize(static_cast<std::size_t>(total));
    c = to_ints(counts, "MPI_Igatherv");
    d = to_ints(displs, "MPI_Igatherv");
  }
  Request r;
  check(MPI_Igatherv(mine, to_int(bytes, "MPI_Igatherv"), MPI_BYTE, out.data(), c.data(), d.data(),
                     MPI_BYTE, root, comm_.get(),
                     r.start_collective("MPI_Igatherv to rank " + std::to_string(root))),
        "MPI_Igatherv", rank());
  if (rank() != root)
    count(kind, 1, bytes);
  wait(r);
  return out;
}

void Transport::broadcast(void *data, std::int64_t bytes, int root, Kind kind) {
  release_processes_waiting_for_a_reported_error();
  Request r;
  check(MPI_Ibcast(data, to_int(bytes, "MPI_Ibcast"), MPI_BYTE, root, comm_.get(),
                   r.start_collective("MPI_Ibcast of " + std::to_string(bytes) +
                                      " bytes from rank " + std::to_string(root))),
        "MPI_Ibcast", rank());
  if (rank() == root)
    count(kind, size() - 1, bytes * (size() - 1));
  wait(r);
}

std::string Transport::broadcast(const std::string &text, int root) {
  std::int64_t length = static_cast<std::int64_t>(text.size());
  broadcast(&length, sizeof length, root);
  std::string out = rank() == root ? text : std::string(static_cast<std::size_t>(length), '\0');
  if (length > 0)
    broadcast(out.data(), length, root);
  return out;
}

void Transport::agree_on_error(const std::optional<std::string> &mine) {
  std::int64_t first_failed = mine ? rank() : std::numeric_limits<std::int64_t>::max();
  allreduce_min(&first_failed, 1);
  if (first_failed == std::numeric_limits<std::int64_t>::max())
    return;
  fail_with(static_cast<int>(first_failed), mine ? *mine : std::string());
}

void Transport::fail_with(int reporter, const std::string &reporters_message) {
  release_processes_waiting_for_a_reported_error();
  if (size() == 1)
    throw weft::Error(reporters_message);
  // Every process throws the reporter's text (the others' may name their own path).
  const std::string message = broadcast(reporters_message, reporter);
  if (reporter == rank()) {
    owed_release = OwedRelease{comm_, timeout_};
    throw weft::Error(message);
  }
  Request r;
  const std::string what = "rank " + std::to_string(reporter) + ", which reported the error \"" +
                           message + "\", to end the job or to go on";
  check(MPI_Ibarrier(comm_.get(), r.start_collective(what)), "MPI_Ibarrier", rank());
  count(Kind::Control, size() - 1, 0);
  wait(r);
  throw weft::Error(message);
}

} // namespace weft::rt
