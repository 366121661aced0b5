// The flags that say for which container a profile is resolved, shared by `check`, `compile`
// and `explain`: --audit, --new_syscalls, --caps and --kernel, each defined once here (its
// name, help and check), and the one way to turn them into a profile::ResolveContext.
// --arch is each command's own: its meaning differs (resolve for, compile for, runs under).
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "isolator/profile/resolver.h"

namespace sc::cli {

struct ResolveFlags {
  bool audit = false;
  std::string new_syscalls = "enosys";
  std::string caps;
  CLI::Option* caps_option = nullptr;  // given or not: absent means this process's bounding set
  std::string kernel;
};

void add_audit_flag(CLI::App* sub, ResolveFlags& flags);
void add_new_syscalls_option(CLI::App* sub, ResolveFlags& flags);
void add_caps_option(CLI::App* sub, ResolveFlags& flags);
void add_kernel_option(CLI::App* sub, ResolveFlags& flags);

// --caps absent: nullopt (the bounding set); --caps=none or --caps='': no capabilities.
std::optional<std::string> caps_flag(const ResolveFlags& flags);

// The context for `arch` ("" for this host). Throws profile::UsageError naming the bad flag.
profile::ResolveContext resolve_context(const ResolveFlags& flags, const std::string& arch);

}  // namespace sc::cli
