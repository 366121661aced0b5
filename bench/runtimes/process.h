// Runs one program (no shell: argv as given) with its stdout and stderr captured, and times
// it from just before fork() to just after waitpid(): what an operator's caller would see.
// An optional hook runs in the child between fork and exec (to load a seccomp filter).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace sc::bench {

struct ProcessResult {
  int status = 0;         // raw waitpid status
  std::string out;        // stdout
  std::string err;        // stderr
  double seconds = 0;     // fork .. reaped
  double started = 0;     // CLOCK_MONOTONIC seconds just before the fork
  bool exited_ok() const;  // exited with status 0
  std::string describe() const;  // "exit 3" / "killed by signal 31", plus stderr's tail
};

// Throws std::system_error when fork/pipe fail. A failing exec gives exit status 127 with
// the reason on stderr. `in_child` must only make async-signal-safe-ish calls; when it throws,
// the child prints the message and exits 125 (nothing was run).
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::function<void()>& in_child = {});

}  // namespace sc::bench
