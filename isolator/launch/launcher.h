// `seccomp-isolator launch`: run one command as a container under its seccomp profile, with
// Mesos's configuration semantics, and supervise it to the end.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/paths.h"
#include "isolator/launch/agent_flags.h"
#include "isolator/profile/resolver.h"

namespace sc::launch {

struct LaunchRequest {
  AgentFlags flags;
  std::optional<std::string> container_info;  // JSON or @FILE
  std::optional<std::string> container_id;    // generated when absent
  bool audit = false;
  profile::NewSyscalls new_syscalls = profile::NewSyscalls::Enosys;  // --new_syscalls
  std::optional<std::string> rootfs;
  std::string runtime_dir;                    // registry location
  bool seccomp_cache = true;                  // reuse compiled programs (--no_seccomp_cache)
  std::optional<std::string> seccomp_cache_dir;  // default <runtime_dir>/cache
  std::optional<std::string> user;
  std::optional<std::string> working_dir;
  std::vector<std::string> rlimits;           // --rlimit values
  // --seccomp_log: whether the filter carries SECCOMP_FILTER_FLAG_LOG (an audit record for
  // every ERRNO/TRAP denial). "auto": off when the tracer's syscall hooks are attached and the
  // container is registered with them before it runs (they count its denials exactly), on
  // otherwise. "always" and "never" force it. LOG and kill actions are logged either way.
  std::string seccomp_log = "auto";
  std::string tracer_pin_dir = common::kDefaultPinDir;  // --tracer_pin_dir (the tracer's default)
  std::string workload;                       // --workload (registry entry)
  std::map<std::string, std::string> labels;  // --label KEY=VALUE (registry entry)
  std::vector<std::string> command;
};

// Returns the exit code (docker run's convention, see exit_codes.h). Diagnostics go to
// stderr prefixed "seccomp-isolator launch: ". Never throws.
int launch(const LaunchRequest& request);

// "sc-" + 16 random hex digits.
std::string generate_container_id();

}  // namespace sc::launch
