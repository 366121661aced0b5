#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace sc::testing {
namespace {

[[noreturn]] void fail(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

double now_s() {
  struct timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  using Stderr = ProcessOptions::Stderr;
  const bool want_stdin = options.stdin_from_pipe || !options.stdin_text.empty();
  const bool capture_err = options.stderr_to == Stderr::Capture;
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) != 0) fail("pipe2");
  if (capture_err && pipe2(err, O_CLOEXEC) != 0) fail("pipe2");
  if (want_stdin && pipe2(in, O_CLOEXEC) != 0) fail("pipe2");
  pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid == 0) {
    if (want_stdin) dup2(in[0], 0);
    dup2(out[1], 1);
    if (capture_err) dup2(err[1], 2);
    if (options.stderr_to == Stderr::Merge) dup2(out[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (options.search_path) execvp(args[0], args.data());
    else execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  if (capture_err) close(err[1]);
  if (want_stdin) {
    close(in[0]);
    signal(SIGPIPE, SIG_IGN);  // a child that exits without reading its input
    if (options.stdin_text.empty()) {
      close(in[1]);
      in[1] = -1;
    }
  }

  ProcessResult r;
  size_t written = 0;
  const double deadline = options.timeout_seconds > 0 ? now_s() + options.timeout_seconds : 0;
  bool killed = false;
  // fds[0]: stdout, fds[1]: stderr (when captured), fds[2]: stdin (while there is text left).
  struct pollfd fds[3] = {{out[0], POLLIN, 0}, {capture_err ? err[0] : -1, POLLIN, 0}, {in[1], POLLOUT, 0}};
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    int n = poll(fds, 3, deadline > 0 ? 200 : -1);
    if (deadline > 0 && !killed && now_s() > deadline) {
      kill(pid, SIGKILL);
      killed = true;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("poll");
    }
    if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = write(fds[2].fd, options.stdin_text.data() + written, options.stdin_text.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if (w < 0 || written == options.stdin_text.size()) {
        close(fds[2].fd);
        fds[2].fd = -1;
      }
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[8192];
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
      }
    }
  }
  if (fds[2].fd >= 0) close(fds[2].fd);
  while (waitpid(pid, &r.status, 0) < 0 && errno == EINTR) {}
  r.exit_code = WIFEXITED(r.status) ? WEXITSTATUS(r.status) : 128 + WTERMSIG(r.status);
  return r;
}

std::string built_binary(const std::string& name) { return std::string(SC_BINARY_DIR) + "/bin/" + name; }

}  // namespace sc::testing
