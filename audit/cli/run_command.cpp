// PLACEHOLDER until the 'run' subcommand is written: registers nothing.
#include "audit/cli/commands.h"

namespace sc::audit::cli {
Run add_run_command(CLI::App&) { return [] { return 2; }; }
}  // namespace sc::audit::cli
