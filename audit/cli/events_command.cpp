// PLACEHOLDER until the 'events' subcommand is written: registers nothing.
#include "audit/cli/commands.h"

namespace sc::audit::cli {
Run add_events_command(CLI::App&) { return [] { return 2; }; }
}  // namespace sc::audit::cli
