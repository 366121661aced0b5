// Runs a program (argv, no shell: test strings never meet a shell) and captures its output.
#pragma once

#include <string>
#include <vector>

namespace sc::metrics::testing {

struct CommandResult {
  int exit_code = -1;   // 128+N when killed by signal N
  std::string output;   // stdout and stderr together
};

// stdin_text is written to the program's standard input.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text = "");

}  // namespace sc::metrics::testing
