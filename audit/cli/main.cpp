// seccomp-audit: the audit companion daemon (run) and its tools (events, suggest, report).
#include "audit/cli/commands.h"
#include "cli/subcommand_dispatch.h"

int main(int argc, char** argv) {
  CLI::App app{"seccomp-audit: records seccomp verdicts per container and refines profiles"};
  app.set_version_flag("--version", "seccomp-audit " SC_VERSION);
  using namespace sc::audit::cli;
  return sc::cli_dispatch::run_subcommands(
      app, "seccomp-audit",
      {{"run", add_run_command},
       {"events", add_events_command},
       {"suggest", add_suggest_command},
       {"report", add_report_command},
       {"hooks", add_hooks_command},
       {"shadow", add_shadow_command}},
      argc, argv);
}
