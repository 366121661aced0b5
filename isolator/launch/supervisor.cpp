#include "isolator/launch/supervisor.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "isolator/launch/launch_error.h"

namespace sc::launch {
namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

sigset_t supervised_set() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : kForwarded) sigaddset(&set, s);
  sigaddset(&set, SIGCHLD);
  return set;
}

}  // namespace

sigset_t block_supervised_signals() {
  sigset_t set = supervised_set(), old;
  if (::sigprocmask(SIG_BLOCK, &set, &old) != 0)
    throw LaunchError(std::string("sigprocmask failed: ") + std::strerror(errno));
  return old;
}

Supervisor::Supervisor() {
  sigset_t set = supervised_set();
  signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC);
  if (signal_fd_ < 0) throw LaunchError(std::string("signalfd failed: ") + std::strerror(errno));
}

Supervisor::~Supervisor() {
  if (signal_fd_ >= 0) ::close(signal_fd_);
}

namespace {

int64_t monotonic_ms() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

Supervisor::Outcome Supervisor::supervise(pid_t child, int report_fd, const std::function<void()>& once_running,
                                          int delay_ms) {
  Outcome outcome;
  bool reaped = false, report_done = false;
  bool pending = static_cast<bool>(once_running);
  const int64_t due = monotonic_ms() + delay_ms;
  ChildReport report;
  size_t report_bytes = 0;
  while (!reaped || !report_done) {
    // Reap first: SIGCHLD coalesces, so every wakeup drains all exited children.
    for (;;) {
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, WNOHANG | __WALL);
      if (pid <= 0) break;
      if (pid == child) {
        outcome.wait_status = status;
        reaped = true;
      }
    }
    if (reaped && report_done) break;
    int timeout = -1;
    if (pending && !reaped) {
      int64_t left = due - monotonic_ms();
      if (left <= 0) {
        pending = false;
        once_running();
        continue;
      }
      timeout = static_cast<int>(left);
    }
    struct pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {report_done ? -1 : report_fd, POLLIN, 0}};
    int n = ::poll(fds, 2, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents) {
      ssize_t got = ::read(report_fd, reinterpret_cast<char*>(&report) + report_bytes, sizeof report - report_bytes);
      if (got > 0) {
        report_bytes += static_cast<size_t>(got);
        if (report_bytes == sizeof report) outcome.report = report;
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        report_done = true;
        ::close(report_fd);
      }
    }
    if (fds[0].revents & POLLIN) {
      struct signalfd_siginfo info {};
      if (::read(signal_fd_, &info, sizeof info) != sizeof info) continue;
      if (info.ssi_signo == SIGCHLD) continue;
      // Terminal-generated signals (SI_KERNEL) already reached the container's process group.
      if (!reaped && info.ssi_code != SI_KERNEL) ::kill(child, static_cast<int>(info.ssi_signo));
    }
  }
  return outcome;
}

}  // namespace sc::launch
