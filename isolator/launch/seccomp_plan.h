// Which seccomp profile a container runs under, and in which mode: Mesos's precedence of
// the agent default (--seccomp_profile_name) and the task's SeccompInfo, plus our audit
// extension (--audit, or "audit": true|false in the task's seccomp object).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "isolator/launch/agent_flags.h"
#include "isolator/launch/container_info.h"
#include "isolator/launch/profile_source.h"

namespace sc::launch {

enum class Mode { Unconfined, Enforce, Audit };
const char* mode_name(Mode mode);  // "unconfined", "enforce", "audit" (as in the registry)

struct SeccompPlan {
  Mode mode = Mode::Unconfined;
  std::string profile_name;              // as given (agent flag or task), "" when unconfined
  std::optional<ProfileSource> profile;  // set unless unconfined
  std::vector<std::string> notices;      // informational lines for stderr (Mesos logs them)
};

struct PlanInput {
  AgentFlags flags;
  std::optional<SeccompInfo> task;  // ContainerInfo.linux_info.seccomp
  bool audit_flag = false;          // --audit
  std::string container_id;
};

// Throws LaunchError with Mesos's messages (start-up checks, default profile errors,
// "Invalid Seccomp configuration: ...", "Missing Seccomp profile name", read/parse errors).
SeccompPlan plan_seccomp(const PlanInput& input, const HostFacts& host);

}  // namespace sc::launch
