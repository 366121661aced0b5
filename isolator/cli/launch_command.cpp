// PLACEHOLDER until the 'launch' subcommand is written: registers nothing.
#include "isolator/cli/commands.h"

namespace sc::cli {
Run add_launch_command(CLI::App&) { return [] { return 2; }; }
}  // namespace sc::cli
