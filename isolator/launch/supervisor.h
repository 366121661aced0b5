// launch stays the container's parent: it forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGUSR1/
// SIGUSR2 sent to it (by kill(), not by the terminal, which signals the whole foreground
// group already) to the container, reaps every child (it is a child subreaper, so orphaned
// container processes come back to it), and collects the child's setup/exec report.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>

#include "isolator/launch/child_setup.h"

namespace sc::launch {

// Blocks the supervised signals (and SIGCHLD) in the calling process, to be read through a
// signalfd; returns the previous mask for the child to restore. Throws LaunchError.
sigset_t block_supervised_signals();

class Supervisor {
 public:
  // Throws LaunchError when the signalfd cannot be made.
  Supervisor();
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  struct Outcome {
    int wait_status = 0;
    std::optional<ChildReport> report;  // set when setup or exec failed
  };

  // Runs until `child` has been reaped and `report_fd` reached EOF. Takes ownership of
  // report_fd. `once_running`, if set, is called once `delay_ms` after the start unless the
  // child has exited by then (launch makes the registry entry durable there: a short-lived
  // container's exit record supersedes it).
  Outcome supervise(pid_t child, int report_fd, const std::function<void()>& once_running = {},
                    int delay_ms = 0);

 private:
  int signal_fd_ = -1;
};

}  // namespace sc::launch
