#include "tests/metrics/run_command.h"

#include <signal.h>

#include "tests/support/process.h"

namespace sc::metrics::testing {

CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text) {
  signal(SIGPIPE, SIG_IGN);  // as always here: a closed pipe or socket is an error, not a death
  sc::testing::ProcessOptions options;
  options.stderr_to = sc::testing::ProcessOptions::Stderr::Merge;
  options.stdin_text = stdin_text;
  options.stdin_from_pipe = true;
  options.search_path = true;
  auto r = sc::testing::run_process(argv, options);
  return CommandResult{r.exit_code, std::move(r.out)};
}

}  // namespace sc::metrics::testing
