// seccomp-isolator: check, compile, explain, launch and inspect seccomp profiles.
#include "cli/subcommand_dispatch.h"
#include "isolator/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"seccomp-isolator: an enforcing linux/seccomp isolator with Mesos semantics"};
  app.set_version_flag("--version", "seccomp-isolator " SC_VERSION);
  using namespace sc::cli;
  return sc::cli_dispatch::run_subcommands(
      app, "seccomp-isolator",
      {{"check", add_check_command},
       {"compile", add_compile_command},
       {"explain", add_explain_command},
       {"launch", add_launch_command},
       {"inspect", add_inspect_command}},
      argc, argv);
}
