// The companion's daemon (`seccomp-audit run`) for the "tracer live" contenders: private
// state, registry and bpffs pin dirs, the syscall hooks on, stopped and its pins removed when
// the run ends. With it, `launch --seccomp_log=auto` loads filters without the LOG flag and
// the tracer counts the denials instead.
#pragma once

#include <sys/types.h>

#include <string>

namespace sc::bench {

class TracerDaemon {
 public:
  // Starts `daemon_binary run ...` with its dirs under `work_dir`; waits (up to 15 s) until
  // its syscall hooks are pinned. Throws std::runtime_error with the daemon's log otherwise.
  TracerDaemon(const std::string& daemon_binary, const std::string& work_dir);
  ~TracerDaemon();
  TracerDaemon(const TracerDaemon&) = delete;
  TracerDaemon& operator=(const TracerDaemon&) = delete;

  const std::string& pin_dir() const { return pin_dir_; }
  const std::string& runtime_dir() const { return runtime_dir_; }

 private:
  void stop();
  pid_t pid_ = -1;
  std::string pin_dir_, runtime_dir_, log_;
};

}  // namespace sc::bench
