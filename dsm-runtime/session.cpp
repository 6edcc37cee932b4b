// weft::rt::Session: MPI and TBB for one process of a parallel program.
#include "weft/rt/session.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "weft/rt/sparse.h"

namespace weft::rt {
namespace {

// True in exactly one process of an mpirun job (or outside one): the one that prints
// messages that every process would print alike, before MPI can tell ranks apart.
bool first_process_of_job() {
  for (const char *name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}) {
    if (const char *v = std::getenv(name))
      return std::string(v) == "0";
  }
  return true;
}

bool session_alive = false;
// The root session of this process, for Session::current().
Session *current_session = nullptr;

// Standard output of every process but rank 0 goes to /dev/null.
void silence_stdout(int rank) {
  if (rank == 0)
    return;
  std::fflush(stdout);
  const int null = ::open("/dev/null", O_WRONLY);
  if (null < 0)
    return;
  ::dup2(null, STDOUT_FILENO);
  ::close(null);
}
// The program's arguments as the kernel started it (argv[0] first); empty if unreadable.
std::vector<std::string> command_line() {
  std::vector<std::string> args;
  std::FILE *f = std::fopen("/proc/self/cmdline", "rb");
  if (!f)
    return args;
  std::string arg;
  for (int c; (c = std::fgetc(f)) != EOF;) {
    if (c != '\0') {
      arg.push_back(static_cast<char>(c));
      continue;
    }
    args.push_back(arg);
    arg.clear();
  }
  std::fclose(f);
  return args;
}

// Whether the runtime called MPI_Init (then it also finalizes), even if the session
// that did so failed to start.
bool runtime_initialized_mpi = false;

// ---------------------------------------------------------------------------------------
// Fail fast: how a process that fails ends the whole job.

// Set once a fatal error has been reported, so that a second path (std::abort after
// the terminate handler) does not print it again.
std::atomic<bool> fatal_reported{false};
// "weft: rank 3: ", written by the signal handler (which cannot format).
char rank_prefix[64] = "weft: ";
int job_size = 1;
int job_rank = 0;
// Whether every process of the job got the same command line (the program's own
// arguments, after the runtime's options), and whether this process is exiting on an
// error in it that every process meets alike (weft::command_line_error).
bool same_command_line = false;
std::atomic<bool> command_line_exit{false};
// The communicator of the barrier at a normal exit (its own, so that it never matches
// an operation of the program's).
Transport *exit_transport = nullptr;

bool mpi_running() {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}

// Prints "weft: rank R: <what>; ..." once and ends every process of the job.
[[noreturn]] void end_job(const std::string &what, int status) {
  if (!fatal_reported.exchange(true)) {
    std::fprintf(stderr, "%s%s; %s\n", rank_prefix, what.c_str(),
                 job_size > 1 ? ("ending all " + std::to_string(job_size) + " processes").c_str()
                              : "ending");
    std::fflush(stderr);
  }
  const int code = (status & 0xff) != 0 ? status & 0xff : 1; // what the launcher reports
  if (mpi_running())
    MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

// An exception that nothing caught, or another reason for std::terminate.
[[noreturn]] void on_terminate() {
  std::string what = "std::terminate was called";
  if (const std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception &x) {
      what = std::string("error: ") + x.what() + " (uncaught exception)";
    } catch (...) {
      what = "an uncaught exception that is not a std::exception";
    }
  }
  end_job(what, 1);
}

// Signals that end a process for an error in the program. The handler names the signal
// with the rank and passes it on to the action before it (OpenMPI's backtrace, or the
// default: the process dies of the signal and the launcher ends the others).
constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
struct sigaction previous_fatal[sizeof kFatalSignals / sizeof kFatalSignals[0]];
bool fatal_handlers_installed = false;

const char *signal_text(int sig) {
  switch (sig) {
  case SIGSEGV:
    return "signal SIGSEGV (invalid memory access)";
  case SIGBUS:
    return "signal SIGBUS (bus error)";
  case SIGFPE:
    return "signal SIGFPE (arithmetic error, e.g. an integer division by zero)";
  case SIGILL:
    return "signal SIGILL (illegal instruction)";
  case SIGABRT:
    return "signal SIGABRT (abort)";
  default:
    return "a fatal signal";
  }
}

void write_stderr(const char *text) {
  ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

void on_fatal_signal(int sig, siginfo_t *info, void *) {
  if (!fatal_reported.exchange(true)) {
    write_stderr(rank_prefix);
    write_stderr(signal_text(sig));
    write_stderr(" in the program; the job ends\n");
  }
  for (std::size_t i = 0; i < sizeof kFatalSignals / sizeof kFatalSignals[0]; ++i) {
    if (kFatalSignals[i] == sig)
      sigaction(sig, &previous_fatal[i], nullptr);
  }
  // A fault repeats when the handler returns, now with the previous action; a signal
  // that was sent (abort, kill) is sent again.
  if (info == nullptr || info->si_code <= 0)
    raise(sig);
}

void install_fatal_signal_handlers() {
  if (fatal_handlers_installed)
    return;
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_sigaction = &on_fatal_signal;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < sizeof kFatalSignals / sizeof kFatalSignals[0]; ++i) {
    sigaction(kFatalSignals[i], &action, &previous_fatal[i]);
  }
  fatal_handlers_installed = true;
}

// At the process's exit (after main returned or exit() was called; registered once by the
// session that started MPI). A non-zero status is an error that the program reported
// itself (`mf: error: ...`): the other processes may be waiting for this one in any
// operation, so the job ends at once. Status 0: every process meets at a barrier (with
// the deadline) and MPI ends normally.
void at_exit(int status, void *) {
  if (!runtime_initialized_mpi || !mpi_running())
    return;
  const bool together = status == 0 || command_line_exit.load();
  if (!together && job_size > 1) {
    end_job("exit status " + std::to_string(status), status);
  }
  if (together && exit_transport != nullptr) {
    try {
      release_processes_waiting_for_a_reported_error();
      exit_transport->barrier("the other processes' exit (MPI_Ibarrier)");
    } catch (const std::exception &e) {
      end_job(std::string("error at the exit: ") + e.what(), 1);
    }
  }
  MPI_Finalize();
}

void register_exit_handler() {
  static bool registered = false;
  if (registered)
    return;
#if defined(__GLIBC__)
  if (on_exit(&at_exit, nullptr) != 0)
    throw weft::Error("weft::rt::Session: on_exit failed");
#else
  // Without the status: exits are taken as normal ones.
  if (std::atexit([] { at_exit(0, nullptr); }) != 0)
    throw weft::Error("weft::rt::Session: atexit failed");
#endif
  registered = true;
}

// weft::command_line_error in a parallel program. With the same command line on every
// process, every process meets the error alike: process 0 prints it, and every process
// exits with `status` through at_exit's barrier (a process that does not come ends the
// job at the deadline). Otherwise the error is this process's own: it prints it, and the
// exit ends the job.
[[noreturn]] void end_on_command_line_error(const std::string &message, int status) {
  if (same_command_line && status != 0)
    command_line_exit = true;
  if (!same_command_line || job_rank == 0) {
    std::fputs(message.c_str(), stderr);
    std::fflush(stderr);
  }
  std::exit(status);
}

// Whether every process got the same arguments argv[1..argc-1] (argv[0], the path of
// the executable, may differ). Collective. Without a command line (argc == nullptr:
// the session was given its options), false.
bool agree_on_command_line(Transport &net, const int *argc, char **const *argv) {
  if (argc == nullptr || argv == nullptr)
    return false;
  std::uint64_t hash = 0x9e3779b97f4a7c15ull;
  for (int n = 1; n < *argc; ++n) {
    for (const char *c = (*argv)[n]; *c != '\0'; ++c)
      hash = (hash ^ static_cast<unsigned char>(*c)) * 0x100000001b3ull;
    hash = (hash ^ 0xffu) * 0x100000001b3ull; // the end of an argument
  }
  // The minimum and (through ~, which reverses the order) the maximum of the hashes in
  // one allreduce: equal everywhere iff they are equal, which every process sees alike.
  std::int64_t values[2] = {static_cast<std::int64_t>(hash), ~static_cast<std::int64_t>(hash)};
  net.allreduce_min(values, 2);
  return values[0] == ~values[1];
}

// weft::load_triples in a parallel program: every process read the file; they agree.
void agree_on_loaded_input(const weft::detail::LoadedInput &mine) {
  if (current_session == nullptr || !current_session->on_main_thread() ||
      current_session->in_loop()) {
    if (!mine.error.empty())
      throw weft::Error(mine.error);
    return;
  }
  loading::agree_on_input(current_session->transport(), mine);
}

} // namespace

int available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0)
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, CPU_COUNT(&set));
}

Session::Session(int &argc, char **&argv, Output output) {
  Options options;
  try {
    options = parse_options(argc, argv);
    if (!options.output)
      options.output = output;
  } catch (const OptionError &e) {
    if (first_process_of_job())
      std::fprintf(stderr, "weft: error: %s\n", e.what());
    std::exit(2);
  }
  try {
    start(std::move(options), &argc, &argv);
  } catch (const OptionError &e) {
    // A mismatch every process sees alike (--weft-ranks): report once, end cleanly.
    if (world_rank() <= 0)
      std::fprintf(stderr, "weft: error: %s\n", e.what());
    if (runtime_initialized_mpi)
      MPI_Finalize();
    std::exit(2);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "weft: rank %d: error: %s\n", world_rank(), e.what());
    if (runtime_initialized_mpi)
      MPI_Abort(MPI_COMM_WORLD, 1);
    std::exit(1);
  }
}

namespace {
// The command line of a main without parameters: empty.
int no_argc = 0;
char *no_args[] = {nullptr};
char **no_argv = no_args;
} // namespace

Session::Session(Output output) : Session(no_argc, no_argv, output) {}

Session::Session(Options options) { start(std::move(options), nullptr, nullptr); }

bool has_session() { return current_session != nullptr; }

Session &Session::current() {
  if (!current_session) {
    throw weft::Error("weft::rt::Session::current(): no session: the program's main must create a "
                      "weft::rt::Session "
                      "(weftc adds it to main) before the first parallel loop runs");
  }
  return *current_session;
}

void Session::start(Options options, int *argc, char ***argv) {
  if (session_alive)
    throw weft::Error("weft::rt::Session: a process can have only one session at a time");
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized)
    throw weft::Error("weft::rt::Session: MPI has already been finalized in this process");
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
    throw weft::Error("weft::rt::Session: the MPI library provides thread level " +
                      std::to_string(provided) +
                      ", but the runtime needs MPI_THREAD_FUNNELED or better");
  }
  set_wait_timeout(options_.wait_timeout_seconds);
  transport_ = Transport(Comm::world().dup(), options_.wait_timeout_seconds);
  session_alive = true;
  if (owns_mpi_) {
    // Fail fast: any error of this process ends the job (see session.h).
    std::snprintf(rank_prefix, sizeof rank_prefix, "weft: rank %d: ", rank());
    job_size = size();
    job_rank = rank();
    if (exit_transport == nullptr)
      exit_transport = new Transport(Comm::world().dup(), options_.wait_timeout_seconds);
    register_exit_handler();
    std::set_terminate(&on_terminate);
    install_fatal_signal_handlers();
  }
  if (options_.ranks != 0 && options_.ranks != size()) {
    // Every process sees the same mismatch, so every process ends alike.
    session_alive = false;
    throw OptionError("--weft-ranks=" + std::to_string(options_.ranks) +
                      " but the program runs on " + std::to_string(size()) + " processes");
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
  weft::detail::agree_on_input = &agree_on_loaded_input;
  if (owns_mpi_) {
    same_command_line = agree_on_command_line(transport_, argc, argv);
    weft::detail::end_on_command_line_error = &end_on_command_line_error;
  }
  if (options_.output == Output::Root)
    silence_stdout(rank());
  if (rank() == 0 && threads > available_cpus()) {
    std::fprintf(
        stderr,
        "weft: warning: %d threads per process, but this process may run on only %d CPU(s); "
        "with mpirun, add --bind-to none\n",
        threads, available_cpus());
  }
}

OutputBeforeMain::OutputBeforeMain() {
  if (first_process_of_job())
    return;
  std::vector<std::string> args = command_line();
  std::vector<char *> argv;
  for (std::string &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  try {
    if (parse_options(argc, argv.data()).output == Output::All)
      return;
  } catch (const OptionError &) {
    return; // the Session reports it
  }
  silence_stdout(1);
}

void Session::start_workers(int threads) {
  threads_ = threads;
  arena_ = std::make_unique<oneapi::tbb::task_arena>(threads);
  arena_->initialize();
}

Session::Session(SubSession, Comm comm, const Options &options, int threads)
    : options_(options), owns_mpi_(false), main_thread_(std::this_thread::get_id()) {
  transport_ = Transport(std::move(comm), options_.wait_timeout_seconds);
  start_workers(std::max(1, threads));
}

std::unique_ptr<Session> Session::split(int color, int threads) {
  Comm sub = transport_.comm().split(color < 0 ? MPI_UNDEFINED : color, rank());
  if (color < 0)
    return nullptr;
  return std::unique_ptr<Session>(new Session(SubSession{}, std::move(sub), options_, threads));
}

void Session::begin_loop() {
  if (in_loop_) {
    throw weft::Error(
        "weft::rt: a parallel loop was started inside another one (nested annotated loops run "
        "the inner loop serially)");
  }
  in_loop_ = true;
}

void Session::add_observer(SessionObserver *o) { observers_.push_back(o); }

void Session::remove_observer(SessionObserver *o) {
  observers_.erase(std::remove(observers_.begin(), observers_.end(), o), observers_.end());
  if (loop_checkpoints_)
    observer_removed(*loop_checkpoints_, o);
}

Session::~Session() {
  if (current_session == this) {
    current_session = nullptr;
    weft::detail::agree_on_input = nullptr;
    weft::detail::end_on_command_line_error = nullptr;
  }
  for (SessionObserver *o : observers_)
    o->session_ended();
  observers_.clear();
  arena_.reset();
  if (!owns_mpi_) {
    transport_ = Transport();
    if (root_)
      session_alive = false;
    return;
  }
  const bool aborting = failed_ || std::uncaught_exceptions() > 0;
  if (aborting) {
    std::fprintf(stderr, "weft: rank %d: ending all processes after an error\n", world_rank());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  // MPI ends at the process's exit (at_exit), whose status tells a normal end from an
  // error the program reported and returned on.
  transport_ = Transport();
  session_alive = false;
}

} // namespace weft::rt
