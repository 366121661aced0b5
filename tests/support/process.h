// Running programs from the tests: fork/exec, never a shell (test strings are hostile), the
// output captured, optional standard input and a timeout that kills the child. The one
// runner behind tests/refine/process.h, tests/metrics/run_command.h and the daemon harness's
// run_program.
#pragma once

#include <string>
#include <vector>

namespace sc::testing {

struct ProcessOptions {
  enum class Stderr { Capture, Merge, Inherit };
  Stderr stderr_to = Stderr::Capture;  // Merge: into out, in time order
  std::string stdin_text;              // written to the child's standard input, then closed
  bool stdin_from_pipe = false;        // a pipe even when stdin_text is empty (EOF at once)
  int timeout_seconds = 0;             // > 0: SIGKILL after that long
  bool search_path = false;            // execvp (argv[0] looked up in PATH) instead of execv
};

struct ProcessResult {
  int status = -1;      // raw wait status
  int exit_code = -1;   // WEXITSTATUS, or 128+signal
  std::string out;
  std::string err;      // empty unless Stderr::Capture
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// <build>/bin/<name>.
std::string built_binary(const std::string& name);

}  // namespace sc::testing
