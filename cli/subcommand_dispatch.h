// The one way both programs (seccomp-isolator, seccomp-audit) run their subcommands: each
// subcommand registers itself on the CLI11 app and returns the callback that runs it.
// Usage errors exit 2; an exception from a subcommand is printed with the program and
// subcommand name and exits 1.
#pragma once

#include <cstdio>
#include <exception>
#include <functional>
#include <initializer_list>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace sc::cli_dispatch {

using Run = std::function<int()>;
using AddCommand = Run (*)(CLI::App&);

inline int run_subcommands(CLI::App& app, const char* program, std::initializer_list<AddCommand> adders,
                           int argc, char** argv) {
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, Run>> commands;
  for (AddCommand add : adders) {
    size_t before = app.get_subcommands({}).size();
    Run run = add(app);
    auto subs = app.get_subcommands({});
    if (subs.size() > before) commands.emplace_back(subs.back(), std::move(run));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  for (auto& [sub, run] : commands)
    if (sub->parsed()) {
      try {
        return run();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s %s: %s\n", program, sub->get_name().c_str(), e.what());
        return 1;
      }
    }
  return 2;
}

}  // namespace sc::cli_dispatch
