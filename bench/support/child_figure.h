// A figure measured in a fresh child process, so that what the measurement installs (a
// seccomp filter, a cgroup, page-table copies) never reaches the bench itself.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>

namespace sc::bench {

// Forks; the child runs `measure` and sends back the figure it returns through a pipe. A
// measurement that throws (its message goes to stderr) or returns a negative figure fails:
// std::runtime_error naming `what`.
inline double figure_from_child(const std::string& what, const std::function<double()>& measure) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(what + ": pipe: " + std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(what + ": fork: " + std::strerror(err));
  }
  if (pid == 0) {
    close(fds[0]);
    double figure = -1;
    try {
      figure = measure();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: %s\n", what.c_str(), e.what());
    }
    ssize_t n = write(fds[1], &figure, sizeof figure);
    _exit(n == sizeof figure && figure >= 0 ? 0 : 1);
  }
  close(fds[1]);
  double figure = -1;
  ssize_t got = read(fds[0], &figure, sizeof figure);
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got != sizeof figure || figure < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(what + " failed in its child (wait status " + std::to_string(status) + ")");
  return figure;
}

}  // namespace sc::bench
