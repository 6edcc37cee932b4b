// weft::rt::Session: MPI and TBB for one process of a parallel program.
#include "weft/rt/session.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace weft::rt {
namespace {

// True in exactly one process of an mpirun job (or outside one): the one that prints
// messages that every process would print alike, before MPI can tell ranks apart.
bool first_process_of_job() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}) {
    if (const char* v = std::getenv(name)) return std::string(v) == "0";
  }
  return true;
}

bool session_alive = false;
// The root session of this process, for Session::current().
Session* current_session = nullptr;

// Standard output of every process but rank 0 goes to /dev/null.
void silence_stdout(int rank) {
  if (rank == 0) return;
  std::fflush(stdout);
  const int null = ::open("/dev/null", O_WRONLY);
  if (null < 0) return;
  ::dup2(null, STDOUT_FILENO);
  ::close(null);
}
// Whether the runtime called MPI_Init (then it also finalizes), even if the session
// that did so failed to start.
bool runtime_initialized_mpi = false;

}  // namespace

int available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, CPU_COUNT(&set));
}

Session::Session(int& argc, char**& argv, Output output) {
  Options options;
  try {
    options = parse_options(argc, argv);
    if (!options.output) options.output = output;
  } catch (const OptionError& e) {
    if (first_process_of_job()) std::fprintf(stderr, "weft: error: %s\n", e.what());
    std::exit(2);
  }
  try {
    start(std::move(options), &argc, &argv);
  } catch (const OptionError& e) {
    // A mismatch every process sees alike (--weft-ranks): report once, end cleanly.
    if (world_rank() <= 0) std::fprintf(stderr, "weft: error: %s\n", e.what());
    if (runtime_initialized_mpi) MPI_Finalize();
    std::exit(2);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weft: rank %d: error: %s\n", world_rank(), e.what());
    if (runtime_initialized_mpi) MPI_Abort(MPI_COMM_WORLD, 1);
    std::exit(1);
  }
}

namespace {
// The command line of a main without parameters: empty.
int no_argc = 0;
char* no_args[] = {nullptr};
char** no_argv = no_args;
}  // namespace

Session::Session(Output output) : Session(no_argc, no_argv, output) {}

Session::Session(Options options) { start(std::move(options), nullptr, nullptr); }

Session& Session::current() {
  if (!current_session) {
    throw weft::Error(
        "weft::rt::Session::current(): no session: the program's main must create a weft::rt::Session "
        "(weftc adds it to main) before the first parallel loop runs");
  }
  return *current_session;
}

void Session::start(Options options, int* argc, char*** argv) {
  if (session_alive) throw weft::Error("weft::rt::Session: a process can have only one session at a time");
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) throw weft::Error("weft::rt::Session: MPI has already been finalized in this process");
  options_ = std::move(options);
  main_thread_ = std::this_thread::get_id();
  root_ = true;

  int initialized = 0;
  MPI_Initialized(&initialized);
  int provided = MPI_THREAD_SINGLE;
  if (!initialized) {
    check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread", -1);
    runtime_initialized_mpi = true;
  } else {
    check(MPI_Query_thread(&provided), "MPI_Query_thread", world_rank());
  }
  owns_mpi_ = runtime_initialized_mpi;
  if (provided < MPI_THREAD_FUNNELED) {
    throw weft::Error("weft::rt::Session: the MPI library provides thread level " + std::to_string(provided) +
                      ", but the runtime needs MPI_THREAD_FUNNELED or better");
  }
  transport_ = Transport(Comm::world().dup(), options_.wait_timeout_seconds);
  session_alive = true;
  if (options_.ranks != 0 && options_.ranks != size()) {
    // Every process sees the same mismatch, so every process ends alike.
    session_alive = false;
    throw OptionError("--weft-ranks=" + std::to_string(options_.ranks) + " but the program runs on " +
                      std::to_string(size()) + " processes");
  }

  int threads = options_.threads;
  if (threads == 0) {
    // The node's CPUs shared among the processes on the node, within this process's
    // affinity mask (mpirun binds each process to cores when there are enough).
    const Comm node = transport_.comm().split_node();
    const int node_cpus = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    threads = std::max(1, std::min(available_cpus(), node_cpus / std::max(1, node.size())));
  }
  start_workers(threads);
  current_session = this;
  if (options_.output == Output::Root) silence_stdout(rank());
  if (rank() == 0 && threads > available_cpus()) {
    std::fprintf(stderr,
                 "weft: warning: %d threads per process, but this process may run on only %d CPU(s); "
                 "with mpirun, add --bind-to none\n",
                 threads, available_cpus());
  }
}

void Session::start_workers(int threads) {
  threads_ = threads;
  arena_ = std::make_unique<oneapi::tbb::task_arena>(threads);
  arena_->initialize();
}

Session::Session(SubSession, Comm comm, const Options& options, int threads)
    : options_(options), owns_mpi_(false), main_thread_(std::this_thread::get_id()) {
  transport_ = Transport(std::move(comm), options_.wait_timeout_seconds);
  start_workers(std::max(1, threads));
}

std::unique_ptr<Session> Session::split(int color, int threads) {
  Comm sub = transport_.comm().split(color < 0 ? MPI_UNDEFINED : color, rank());
  if (color < 0) return nullptr;
  return std::unique_ptr<Session>(new Session(SubSession{}, std::move(sub), options_, threads));
}

void Session::begin_loop() {
  if (in_loop_) {
    throw weft::Error("weft::rt: a parallel loop was started inside another one (nested annotated loops run "
                      "the inner loop serially)");
  }
  in_loop_ = true;
}

void Session::add_observer(SessionObserver* o) { observers_.push_back(o); }

void Session::remove_observer(SessionObserver* o) {
  observers_.erase(std::remove(observers_.begin(), observers_.end(), o), observers_.end());
  if (loop_checkpoints_) observer_removed(*loop_checkpoints_, o);
}

Session::~Session() {
  if (current_session == this) current_session = nullptr;
  for (SessionObserver* o : observers_) o->session_ended();
  observers_.clear();
  arena_.reset();
  if (!owns_mpi_) {
    transport_ = Transport();
    if (root_) session_alive = false;
    return;
  }
  const bool aborting = failed_ || std::uncaught_exceptions() > 0;
  if (aborting) {
    std::fprintf(stderr, "weft: rank %d: ending all processes after an error\n", world_rank());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  try {
    // Every process arrives here unless one failed in a way it could not report; a wait
    // with the session's deadline turns that into an abort instead of a hang.
    transport_.barrier();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weft: rank %d: %s; ending all processes\n", world_rank(), e.what());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  transport_ = Transport();
  session_alive = false;
  MPI_Finalize();
}

}  // namespace weft::rt
