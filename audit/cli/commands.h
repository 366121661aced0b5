// Each subcommand of `seccomp-audit` registers itself on the CLI11 app. The returned
// callback runs when that subcommand was chosen and gives the process's exit code.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace sc::audit::cli {

using Run = std::function<int()>;

Run add_run_command(CLI::App& app);      // run_command.cpp: the daemon
Run add_events_command(CLI::App& app);   // events_command.cpp
Run add_suggest_command(CLI::App& app);  // suggest_command.cpp
Run add_report_command(CLI::App& app);   // report_command.cpp
Run add_hooks_command(CLI::App& app);
Run add_shadow_command(CLI::App& app);  // shadow_command.cpp: shadow evaluation (start|results|stop|list)    // hooks_command.cpp: the tracer's programs on this kernel

}  // namespace sc::audit::cli
