// seccomp-isolator: check, compile, explain, launch and inspect seccomp profiles.
#include <cstdio>
#include <exception>
#include <utility>
#include <vector>

#include "isolator/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"seccomp-isolator: an enforcing linux/seccomp isolator with Mesos semantics"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "seccomp-isolator " SC_VERSION);
  std::vector<std::pair<CLI::App*, sc::cli::Run>> commands;
  auto add = [&](sc::cli::Run (*adder)(CLI::App&)) {
    size_t before = app.get_subcommands({}).size();
    sc::cli::Run run = adder(app);
    auto subs = app.get_subcommands({});
    if (subs.size() > before) commands.emplace_back(subs.back(), std::move(run));
  };
  add(sc::cli::add_check_command);
  add(sc::cli::add_compile_command);
  add(sc::cli::add_explain_command);
  add(sc::cli::add_launch_command);
  add(sc::cli::add_inspect_command);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit 2 (launch maps its own usage errors to 125, docker-run style).
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  for (auto& [sub, run] : commands)
    if (sub->parsed()) {
      try {
        return run();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "seccomp-isolator %s: %s\n", sub->get_name().c_str(), e.what());
        return 1;
      }
    }
  return 2;
}
