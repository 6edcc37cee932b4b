//===- Output.cpp - Writing weftc's output: all of it, or nothing ---------===//
#include "Output.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace weft {
namespace {

std::string error_text(int error) { return std::strerror(error); }

void diagnose(const std::string &message) { llvm::errs() << "weftc: error: " << message << "\n"; }

//===-- Standard streams at exit ------------------------------------------===//

/// Runs before llvm::outs() and llvm::errs() are destroyed (registered after they were
/// made): a stream with a write error would otherwise end weftc in report_fatal_error.
void check_streams() {
  llvm::raw_fd_ostream &out = llvm::outs();
  out.flush();
  // Nothing can be said on a standard error that fails.
  llvm::errs().clear_error();
  if (!out.has_error())
    return;
  std::string message = out.error().message();
  out.clear_error();
  diagnose("cannot write to standard output: " + message);
  llvm::errs().clear_error();
  // exit() must not be called again from an exit handler; the remaining static
  // destructors only free memory.
  _exit(1);
}

//===-- The temporary file and signals ------------------------------------===//

/// The temporary being written, for the signal handler: its path first, then `armed`.
char temp_path[PATH_MAX];
std::atomic<bool> armed{false};
static_assert(std::atomic<bool>::is_always_lock_free, "read in a signal handler");

/// The signals whose default action ends the process (less SIGKILL and SIGSTOP, which
/// cannot be caught, SIGPIPE, which writing a file does not raise, SIGXFSZ, which is
/// ignored while writing, and the profiling timers).
constexpr int kFatalSignals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM, SIGALRM, SIGUSR1, SIGUSR2,
                                 SIGXCPU, SIGABRT, SIGBUS,  SIGFPE,  SIGILL,  SIGSEGV, SIGSYS};
constexpr int kSignalCount = sizeof kFatalSignals / sizeof kFatalSignals[0];
struct sigaction saved_actions[kSignalCount];
/// Whether weftc's handler is installed for the signal (cleared by the handler too).
std::atomic<bool> installed[kSignalCount];

/// Removes the temporary, restores the signal's previous action and raises it again:
/// it is blocked until this returns, then ends weftc as it would have without weftc's
/// handler (a crash signal re-executes the faulting instruction, with the same effect).
/// Only async-signal-safe calls.
void on_fatal_signal(int signal) {
  if (armed.exchange(false))
    unlink(temp_path);
  for (int i = 0; i < kSignalCount; ++i)
    if (kFatalSignals[i] == signal && installed[i].exchange(false))
      sigaction(signal, &saved_actions[i], nullptr);
  raise(signal);
}

/// While alive: the fatal signals remove the temporary, and SIGXFSZ is ignored, so that
/// exceeding a file-size limit is a write error (EFBIG) rather than the end of weftc.
class SignalGuard {
public:
  explicit SignalGuard(bool remove_temp) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGXFSZ, &ignore, &saved_xfsz_);
    if (!remove_temp)
      return;
    struct sigaction action {};
    action.sa_handler = on_fatal_signal;
    action.sa_flags = SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (int signal : kFatalSignals)
      sigaddset(&action.sa_mask, signal);
    for (int i = 0; i < kSignalCount; ++i) {
      struct sigaction old {};
      if (sigaction(kFatalSignals[i], nullptr, &old) != 0 || old.sa_handler == SIG_IGN)
        continue; // an ignored signal stays ignored (`nohup`, a background job)
      saved_actions[i] = old;
      installed[i].store(true);
      sigaction(kFatalSignals[i], &action, nullptr);
    }
  }
  ~SignalGuard() {
    for (int i = 0; i < kSignalCount; ++i)
      if (installed[i].exchange(false))
        sigaction(kFatalSignals[i], &saved_actions[i], nullptr);
    sigaction(SIGXFSZ, &saved_xfsz_, nullptr);
  }
  SignalGuard(const SignalGuard &) = delete;
  SignalGuard &operator=(const SignalGuard &) = delete;

private:
  struct sigaction saved_xfsz_ {};
};

//===-- Writing -----------------------------------------------------------===//

/// Writes all of `text` to `fd`; returns 0 or the errno of the failure.
int write_all(int fd, llvm::StringRef text) {
  const char *data = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t written = ::write(fd, data, std::min(left, size_t(1) << 30));
    if (written < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) { // a non-blocking stdout
        pollfd ready{fd, POLLOUT, 0};
        ::poll(&ready, 1, -1);
        continue;
      }
      return errno;
    }
    if (written == 0)
      return EIO;
    data += written;
    left -= size_t(written);
  }
  return 0;
}

/// The directory a new file `path` goes into ("." for a bare name).
std::string directory_of(llvm::StringRef path) {
  llvm::StringRef parent = llvm::sys::path::parent_path(path);
  return parent.empty() ? "." : parent.str();
}

/// Writes to an existing file that is not a regular one (a device, a pipe): directly.
bool write_special(const std::string &path, llvm::StringRef text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    diagnose("cannot write '" + path + "': " + error_text(error));
    return false;
  }
  SignalGuard guard(/*remove_temp=*/false);
  int error = write_all(fd, text);
  if (::close(fd) != 0 && error == 0 && errno != EINTR)
    error = errno;
  if (error != 0) {
    diagnose("cannot write '" + path + "': " + error_text(error));
    return false;
  }
  return true;
}

/// Creates the temporary for `target` (exclusively: never someone else's file) and arms
/// the signal handler with its name before it exists. Returns the descriptor, or -1
/// with errno set.
int create_temporary(const std::string &target, mode_t mode) {
  for (int attempt = 0; attempt < 128; ++attempt) {
    llvm::SmallString<256> name;
    llvm::sys::fs::createUniquePath(target + ".tmp.%%%%%%%%", name, /*MakeAbsolute=*/false);
    if (name.size() >= sizeof temp_path) {
      errno = ENAMETOOLONG;
      return -1;
    }
    std::memcpy(temp_path, name.c_str(), name.size() + 1);
    armed.store(true);
    int fd = ::open(temp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd >= 0)
      return fd;
    int error = errno;
    armed.store(false);
    if (error != EEXIST) {
      errno = error;
      return -1;
    }
  }
  errno = EEXIST;
  return -1;
}

/// Disarms the handler and removes the temporary.
void remove_temporary() {
  if (armed.exchange(false))
    ::unlink(temp_path);
}

bool write_file(const std::string &path, llvm::StringRef text) {
  struct stat existing {};
  bool exists = ::stat(path.c_str(), &existing) == 0;
  if (exists && S_ISDIR(existing.st_mode)) {
    diagnose("cannot write '" + path + "': it is a directory");
    return false;
  }
  if (exists && !S_ISREG(existing.st_mode))
    return write_special(path, text);
  // Through a symbolic link: the file it names is replaced, not the link.
  std::string target = path;
  struct stat link {};
  if (exists && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    if (char *resolved = ::realpath(path.c_str(), nullptr)) {
      target = resolved;
      std::free(resolved);
    }
  }

  SignalGuard guard(/*remove_temp=*/true);
  // A replaced file keeps its permissions (fchmod: the umask applies to open's mode).
  int fd = create_temporary(target, 0666);
  if (fd < 0) {
    int error = errno;
    diagnose("cannot write '" + path + "': cannot create a temporary file in '" +
             directory_of(target) + "': " + error_text(error));
    return false;
  }
  if (exists)
    (void)::fchmod(fd, existing.st_mode & 07777);
  int error = write_all(fd, text);
  // On disk before the rename: after a crash the output is the old or the new one.
  if (error == 0 && ::fsync(fd) != 0 && errno != EINVAL)
    error = errno;
  if (::close(fd) != 0 && error == 0 && errno != EINTR)
    error = errno;
  if (error != 0) {
    remove_temporary();
    diagnose("cannot write '" + path + "': " + error_text(error));
    return false;
  }
  if (::rename(temp_path, target.c_str()) != 0) {
    error = errno;
    std::string temp = temp_path;
    remove_temporary();
    diagnose("cannot write '" + path + "': cannot rename '" + temp +
             "' to it: " + error_text(error));
    return false;
  }
  armed.store(false);
  // The rename on disk too (best effort: not every file system syncs a directory).
  int directory = ::open(directory_of(target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory >= 0) {
    (void)::fsync(directory);
    ::close(directory);
  }
  return true;
}

} // namespace

void check_standard_streams_at_exit() {
  // Made now, so that they are destroyed after check_streams has run.
  llvm::outs();
  llvm::errs();
  std::atexit(check_streams);
}

std::string check_output(const std::string &path) {
  if (path == "-")
    return "";
  if (path.empty())
    return "the output file name (-o) is empty";
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0) {
    if (S_ISDIR(existing.st_mode))
      return "cannot write '" + path + "': it is a directory";
    if (!S_ISREG(existing.st_mode))
      return ::access(path.c_str(), W_OK) == 0
                 ? ""
                 : "cannot write '" + path + "': " + error_text(errno);
  } else if (errno != ENOENT) {
    return "cannot write '" + path + "': " + error_text(errno);
  }
  // A new file, or a replaced one: made in its directory.
  std::string directory = directory_of(path);
  struct stat dir {};
  if (::stat(directory.c_str(), &dir) != 0)
    return "cannot write '" + path + "': " +
           (errno == ENOENT ? "no such directory '" + directory + "'"
                            : "directory '" + directory + "': " + error_text(errno));
  if (!S_ISDIR(dir.st_mode))
    return "cannot write '" + path + "': '" + directory + "' is not a directory";
  if (::access(directory.c_str(), W_OK | X_OK) != 0)
    return "cannot write '" + path + "': directory '" + directory + "': " + error_text(errno);
  return "";
}

bool write_output(const std::string &path, llvm::StringRef text) {
  if (path != "-")
    return write_file(path, text);
  llvm::outs().flush();
  SignalGuard guard(/*remove_temp=*/false);
  if (int error = write_all(STDOUT_FILENO, text)) {
    diagnose("cannot write to standard output: " + error_text(error));
    return false;
  }
  return true;
}

} // namespace weft
