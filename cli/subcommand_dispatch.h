// The one way both programs (seccomp-isolator, seccomp-audit) run their subcommands: each
// subcommand registers itself on the CLI11 app and returns the callback that runs it.
// Usage errors exit 2; an exception from a subcommand is printed with the program and
// subcommand name and exits 1.
//
// When the first argument names a subcommand, only that subcommand is registered. Building
// CLI11's options is most of a short run's user time (about half the instructions of
// `seccomp-isolator --version`, each option being several strings and std::functions), and
// `launch` runs once per container. Anything else (`--help`, `--version`, a typo) gets the
// whole app, so the top-level help and the "did you mean" errors are unchanged.
#pragma once

#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace sc::cli_dispatch {

using Run = std::function<int()>;
using AddCommand = Run (*)(CLI::App&);

struct Subcommand {
  const char* name;  // what AddCommand registers (checked when it runs)
  AddCommand add;
};

// The subcommands to register for this command line: the one named by argv[1], or all.
inline std::vector<Subcommand> subcommands_to_register(std::initializer_list<Subcommand> all, int argc,
                                                       char** argv) {
  if (argc > 1)
    for (const Subcommand& s : all)
      if (std::strcmp(argv[1], s.name) == 0) return {s};
  return {all.begin(), all.end()};
}

inline int run_subcommands(CLI::App& app, const char* program, std::initializer_list<Subcommand> all, int argc,
                           char** argv) {
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, Run>> commands;
  for (const Subcommand& s : subcommands_to_register(all, argc, argv)) {
    size_t before = app.get_subcommands({}).size();
    Run run = s.add(app);
    auto subs = app.get_subcommands({});
    // A table entry whose name is not what its function registers would make the quick path
    // parse against the wrong subcommand: fail loudly (tests run every subcommand's --help).
    if (subs.size() != before + 1 || subs.back()->get_name() != s.name)
      throw std::logic_error(std::string(program) + ": subcommand table entry '" + s.name +
                             "' does not register a subcommand of that name");
    commands.emplace_back(subs.back(), std::move(run));
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
