// The Mesos agent flags of the linux/seccomp isolator and its start-up checks, with Mesos's
// own messages (see docs/isolator.md and mesos-semantics.md).
#pragma once

#include <optional>
#include <string>

#include "isolator/profile/profile.h"

namespace sc::launch {

struct AgentFlags {
  // Comma-separated isolators, as Mesos's --isolation. Only `linux/seccomp` means anything
  // here; it is the default because a launcher that silently ran without its filter would
  // be a weaker result than asked for.
  std::string isolation = "linux/seccomp";
  std::optional<std::string> seccomp_config_dir;
  std::optional<std::string> seccomp_profile_name;
};

// True when `linux/seccomp` is one of the comma-separated values (exact match, as Mesos).
bool seccomp_isolation_enabled(const std::string& isolation);

// Facts the start-up checks depend on; tests may pass their own.
struct HostFacts {
  bool root = false;              // effective uid 0
  bool seccomp_filters = false;   // the kernel supports SECCOMP_MODE_FILTER
};
HostFacts probe_host();

// Mesos's start-up checks, in Mesos's order; throws LaunchError with Mesos's message:
//   "Linux Seccomp isolator requires root permissions"
//   "Seccomp is not supported by the kernel"
//   "Missing required `--seccomp_config_dir` flag"
// Only called when the isolator is enabled.
void check_startup(const AgentFlags& flags, const HostFacts& host);

}  // namespace sc::launch
