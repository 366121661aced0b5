// What the daemon benches share: their --name=value flags, the daemon they run (`seccomp-audit
// run` of this build tree, its output in DIR/daemon.log) and its files (log, state.json) as text.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sc::bench {

// The value of --NAME=VALUE among argv, or fallback.
inline std::string flag(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--" + name + "=", 0) == 0) return a.substr(name.size() + 3);
  }
  return fallback;
}

// The whole file, "" when it cannot be read (a daemon that has not written it yet).
inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Forks `seccomp-audit run` with its state in DIR/state, its registry in DIR/run, no metrics
// listener and `flags` after those; stdout and stderr go to DIR/daemon.log. Returns its pid.
inline pid_t spawn_daemon(const std::string& dir, const std::vector<std::string>& flags) {
  std::vector<std::string> args = {std::string(SC_BINARY_DIR) + "/bin/seccomp-audit", "run",
                                   "--state_dir=" + dir + "/state", "--runtime_dir=" + dir + "/run",
                                   "--listen=off"};
  args.insert(args.end(), flags.begin(), flags.end());
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open((dir + "/daemon.log").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    dup2(fd, 2);
    dup2(fd, 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace sc::bench
