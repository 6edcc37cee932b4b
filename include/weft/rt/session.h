// weft/rt/session.h — one process of a parallel weft program.
//
// The generated main starts with
//     weft::rt::Session weft_session(argc, argv, weft::rt::Output::Root);
// which removes the runtime's --weft-* options from argc/argv (options.h), starts MPI
// (at least MPI_THREAD_FUNNELED: only the main thread calls MPI) and a TBB task arena
// with Options::threads workers, and ends MPI when the process exits (see below). With
// Output::Root (unless --weft-output=all says otherwise), the standard output of every
// process but rank 0 goes to /dev/null. Session::current() is the process's session, for
// parallel loops outside main. Every process
// runs the same program (SPMD); executors (data_parallel.h, rotation_2d.h, ...) take the
// session as their first argument.
//
// Errors: a bad option prints "weft: error: ..." (once per job) and exits with status 2
// before MPI starts. From then on, any error of any process ends the whole job within
// seconds, with a non-zero status, the message printed once with the process's rank:
//   - the program exits with a non-zero status (e.g. "mf: error: ..." then return 1 from
//     main, or exit(2)): "weft: rank R: exit status S; ending all P processes" and
//     MPI_Abort(S), whatever the other processes are waiting for;
//   - an exception that nothing catches (std::terminate): "weft: rank R: error: <what>
//     (uncaught exception); ending all P processes" and MPI_Abort;
//   - a fatal signal in the program (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT): "weft:
//     rank R: signal SIGSEGV (...) in the program; the job ends", then the signal's
//     previous action (the process dies of it, and the launcher ends the others);
//   - a parallel loop that failed on this process, or a session that ends by an
//     exception: the destructor ends every process (MPI_Abort);
//   - a process that stopped (or is stuck in code of its own): the others' waits end at
//     the deadline (Options::wait_timeout_seconds, 300 s unless --weft-wait-timeout says
//     otherwise, in every build) with a TimeoutError naming the operation, which ends the
//     job as any error does.
// Errors that some processes hit and others do not, in the runtime's own calls (a file
// one process cannot read, processes that read different inputs: weft::load_triples and
// rt::load_triples check that every process read the same), are thrown on every process
// alike, so that the program behaves as its serial version; the message is printed by
// the process that found it, the others wait until the program ends (or goes on after
// catching it: Transport::fail_with).
// Errors in the program's own command line (weft::command_line_error, e.g. a sample's
// "mf: error: --rank needs an integer ..."): the session checks at its start whether
// every process got the same arguments. If so, every process meets the error alike:
// process 0 alone prints it, and every process exits with its status after the exit
// barrier below (no "ending all" line); if not, it is one process's error like any other.
// MPI ends when the process exits: after a normal exit (status 0), or such a command-line
// error, every process meets at a barrier (with the deadline) and finalizes, so the
// destructor itself does not finalize.
#pragma once

#include <oneapi/tbb/task_arena.h>

#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "weft/rt/mpi.h"
#include "weft/rt/options.h"

namespace weft::rt {

// What a session tells the objects that depend on it (partitioned arrays' records)
// when it ends before them: they must not use MPI any more.
class SessionObserver {
public:
  virtual void session_ended() = 0;

protected:
  ~SessionObserver() = default;
};

// The checkpoints of the program's annotated loops (checkpoint.h); told of every
// observer that a session removes (an array's record that ends).
class LoopCheckpoints;
void observer_removed(LoopCheckpoints &checkpoints, SessionObserver *o);

class Session {
public:
  // Parses the options out of argc/argv (exit 2 on a bad one) and starts MPI. `output`
  // applies unless --weft-output (or WEFT_OUTPUT) is given.
  Session(int &argc, char **&argv, Output output = Output::All);
  // The same with options from the environment only (a main without parameters).
  explicit Session(Output output);
  // Starts MPI with the given options (for programs and tests without a command line).
  explicit Session(Options options);
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  // The session of this process (the one made by main); throws weft::Error if there is
  // none.
  static Session &current();

  int rank() const { return transport_.rank(); }
  int size() const { return transport_.size(); }
  int threads() const { return threads_; }
  const Options &options() const { return options_; }
  Transport &transport() { return transport_; }
  const Traffic &traffic() const { return transport_.traffic(); }
  oneapi::tbb::task_arena &arena() { return *arena_; }

  // A session over the processes of this one that pass the same color (collective over
  // this session's processes), with `threads` workers each; nullptr where color < 0.
  // It shares MPI with this session and must end before it.
  std::unique_ptr<Session> split(int color, int threads);

  // Executors: a parallel loop runs between begin_loop() and end_loop(); a loop that
  // fails marks the session failed (see above).
  void begin_loop();
  void end_loop() { in_loop_ = false; }
  bool in_loop() const { return in_loop_; }
  void mark_failed() { failed_ = true; }
  bool failed() const { return failed_; }
  // The thread that runs serial code and calls MPI.
  bool on_main_thread() const { return std::this_thread::get_id() == main_thread_; }

  void add_observer(SessionObserver *o);
  void remove_observer(SessionObserver *o);
  // The checkpoints of the loops run on this session (checkpoint.h), made by the first.
  std::shared_ptr<LoopCheckpoints> &loop_checkpoints() { return loop_checkpoints_; }

private:
  struct SubSession {};
  Session(SubSession, Comm comm, const Options &options, int threads);
  void start(Options options, int *argc, char ***argv);
  void start_workers(int threads);

  Options options_;
  bool root_ = false;     // not made by split()
  bool owns_mpi_ = false; // finalizes MPI
  bool failed_ = false;
  bool in_loop_ = false;
  int threads_ = 1;
  Transport transport_;
  std::unique_ptr<oneapi::tbb::task_arena> arena_;
  std::thread::id main_thread_;
  std::vector<SessionObserver *> observers_;
  std::shared_ptr<LoopCheckpoints> loop_checkpoints_;
};

// Whether this process has a session now: not during static initialization (before
// main creates it) nor after it ended. A loop that weftc rewrote runs as written (on
// every process alike) when there is none.
bool has_session();

// The number of CPUs this process may run on (its affinity mask).
int available_cpus();

// Output::Root before main: constructing one sends the standard output of every process
// but the launcher's rank 0 (OMPI_COMM_WORLD_RANK, PMIX_RANK or PMI_RANK; outside a
// launcher nothing changes) to /dev/null, unless the command line (/proc/self/cmdline) or
// WEFT_OUTPUT asks for --weft-output=all; a bad option changes nothing here and is
// reported by the Session. So what static initializers print appears once, as in the
// serial program. weftc defines one, with init_priority(101) (before the program's own
// static objects in every file of the link), beside each main it gives a Session with
// Output::Root.
struct OutputBeforeMain {
  OutputBeforeMain();
};

} // namespace weft::rt
