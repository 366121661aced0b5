// Running programs from the refinement tests: fork/exec, never a shell (recorded strings
// are hostile), stdout and stderr captured, a timeout that kills the child.
#pragma once

#include <string>
#include <vector>

namespace sc::refine::testing {

struct ProcessResult {
  int status = -1;      // raw wait status
  int exit_code = -1;   // WEXITSTATUS, or 128+signal
  std::string out;
  std::string err;
};

ProcessResult run(const std::vector<std::string>& argv, int timeout_seconds = 60);
std::string bin(const std::string& name);   // <build>/bin/<name>
// <build>/bin/seccomp-audit ARGS...
ProcessResult seccomp_audit(const std::vector<std::string>& args, int timeout_seconds = 60);
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

}  // namespace sc::refine::testing
