#include "isolator/launch/filter_readback.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "isolator/launch/launch_error.h"

namespace sc::launch {
namespace {

[[noreturn]] void fail(pid_t pid, const char* step, int error) {
  throw LaunchError("Failed to read the seccomp filters of pid " + std::to_string(pid) + ": " + step + ": " +
                    std::strerror(error));
}

// Detaches on every exit path.
class Seized {
 public:
  explicit Seized(pid_t pid) : pid_(pid) {
    if (::ptrace(PTRACE_SEIZE, pid, nullptr, nullptr) != 0) fail(pid, "PTRACE_SEIZE", errno);
    if (::ptrace(PTRACE_INTERRUPT, pid, nullptr, nullptr) != 0) {
      int e = errno;
      ::ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
      fail(pid, "PTRACE_INTERRUPT", e);
    }
    // Wait for the interrupt stop; other stops (a signal arriving meanwhile) are let through
    // later by PTRACE_DETACH with that signal.
    for (;;) {
      int status = 0;
      pid_t got = ::waitpid(pid, &status, __WALL);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        int e = errno;
        ::ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
        fail(pid, "waitpid", e);
      }
      if (WIFEXITED(status) || WIFSIGNALED(status)) {
        detached_ = true;
        fail(pid, "the process exited", ESRCH);
      }
      if (WIFSTOPPED(status)) {
        int sig = WSTOPSIG(status);
        if ((status >> 16) == PTRACE_EVENT_STOP) break;  // our interrupt (or a group stop)
        pending_signal_ = sig;                            // a signal-delivery stop: keep it
        break;
      }
    }
  }
  ~Seized() {
    if (!detached_)
      ::ptrace(PTRACE_DETACH, pid_, nullptr, reinterpret_cast<void*>(static_cast<long>(pending_signal_)));
  }
  Seized(const Seized&) = delete;
  Seized& operator=(const Seized&) = delete;

 private:
  pid_t pid_;
  int pending_signal_ = 0;
  bool detached_ = false;
};

}  // namespace

std::vector<std::vector<sock_filter>> read_installed_filters(pid_t pid) {
  Seized seized(pid);
  std::vector<std::vector<sock_filter>> newest_first;
  for (unsigned long index = 0;; ++index) {
    long count = ::ptrace(PTRACE_SECCOMP_GET_FILTER, pid, reinterpret_cast<void*>(index), nullptr);
    if (count < 0) {
      if (errno == ENOENT) break;             // no filter at this index: done
      if (errno == EINVAL && index == 0) break;  // not in filter mode: no filters at all
      fail(pid, "PTRACE_SECCOMP_GET_FILTER", errno);
    }
    std::vector<sock_filter> program(static_cast<size_t>(count));
    if (::ptrace(PTRACE_SECCOMP_GET_FILTER, pid, reinterpret_cast<void*>(index), program.data()) != count)
      fail(pid, "PTRACE_SECCOMP_GET_FILTER (copy)", errno);
    newest_first.push_back(std::move(program));
  }
  std::reverse(newest_first.begin(), newest_first.end());
  return newest_first;
}

}  // namespace sc::launch
