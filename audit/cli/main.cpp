// seccomp-audit: the audit companion daemon (run) and its tools (events, suggest, report).
#include <cstdio>
#include <exception>
#include <utility>
#include <vector>

#include "audit/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"seccomp-audit: records seccomp verdicts per container and refines profiles"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "seccomp-audit " SC_VERSION);
  std::vector<std::pair<CLI::App*, sc::audit::cli::Run>> commands;
  auto add = [&](sc::audit::cli::Run (*adder)(CLI::App&)) {
    size_t before = app.get_subcommands({}).size();
    sc::audit::cli::Run run = adder(app);
    auto subs = app.get_subcommands({});
    if (subs.size() > before) commands.emplace_back(subs.back(), std::move(run));
  };
  add(sc::audit::cli::add_run_command);
  add(sc::audit::cli::add_events_command);
  add(sc::audit::cli::add_suggest_command);
  add(sc::audit::cli::add_report_command);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit 2.
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  for (auto& [sub, run] : commands)
    if (sub->parsed()) {
      try {
        return run();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "seccomp-audit %s: %s\n", sub->get_name().c_str(), e.what());
        return 1;
      }
    }
  return 2;
}
