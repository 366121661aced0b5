// Each subcommand of `seccomp-isolator` registers itself on the CLI11 app. The returned
// callback runs when that subcommand was chosen and gives the process's exit code.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace sc::cli {

using Run = std::function<int()>;

Run add_check_command(CLI::App& app);    // check_command.cpp
Run add_compile_command(CLI::App& app);  // compile_command.cpp
Run add_explain_command(CLI::App& app);  // explain_command.cpp
Run add_launch_command(CLI::App& app);   // launch_command.cpp
Run add_inspect_command(CLI::App& app);  // inspect_command.cpp

}  // namespace sc::cli
