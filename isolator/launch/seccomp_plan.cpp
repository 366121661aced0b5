#include "isolator/launch/seccomp_plan.h"

#include <unistd.h>

#include <climits>

#include "isolator/launch/launch_error.h"
#include "isolator/launch/profile_location.h"

namespace sc::launch {

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::Enforce: return "enforce";
    case Mode::Audit: return "audit";
    case Mode::Unconfined: break;
  }
  return "unconfined";
}

namespace {

// The registry records absolute profile paths; a relative config dir is taken from the cwd.
std::string absolute_dir(const std::string& dir) {
  if (!dir.empty() && dir[0] == '/') return dir;
  char cwd[PATH_MAX];
  if (!::getcwd(cwd, sizeof cwd)) throw LaunchError("getcwd failed for a relative --seccomp_config_dir");
  return normalize_path(std::string(cwd) + "/" + dir);
}

// Parsed when first needed (not at all when the program cache has it compiled).
SeccompPlan with_profile(const std::string& config_dir, const std::string& name, bool audit) {
  SeccompPlan plan;
  plan.profile_name = name;
  plan.profile = load_profile_source(profile_path(config_dir, name), /*parse_now=*/false);
  plan.mode = audit ? Mode::Audit : Mode::Enforce;
  return plan;
}

}  // namespace

SeccompPlan plan_seccomp(const PlanInput& in, const HostFacts& host) {
  const auto& task = in.task;
  if (!seccomp_isolation_enabled(in.flags.isolation)) {
    // Never a silently weaker result: a task that asks for a profile, or --audit, cannot be
    // honoured without the isolator, so the container does not run.
    if (task && (task->profile_name || task->audit.value_or(false)))
      throw LaunchError("ContainerInfo asks for a Seccomp profile but the `linux/seccomp` isolator is not "
                        "enabled (--isolation=" + in.flags.isolation + ")");
    if (in.audit_flag)
      throw LaunchError("--audit needs the `linux/seccomp` isolator (--isolation=" + in.flags.isolation + ")");
    SeccompPlan plan;
    if (in.flags.seccomp_config_dir || in.flags.seccomp_profile_name)
      plan.notices.push_back("`linux/seccomp` is not in --isolation: the --seccomp_* flags are ignored");
    plan.notices.push_back("Seccomp is not applied to container " + in.container_id);
    return plan;
  }

  check_startup(in.flags, host);
  std::string config_dir = absolute_dir(*in.flags.seccomp_config_dir);

  // The agent default is parsed at start-up; any error stops start-up (Mesos).
  std::optional<SeccompPlan> agent_default;
  if (in.flags.seccomp_profile_name)
    agent_default = with_profile(config_dir, *in.flags.seccomp_profile_name, in.audit_flag);
  // With a task, the default may go unused, but it must still parse (and stop start-up
  // first when it does not).
  if (agent_default && task) agent_default->profile->profile();

  bool audit = in.audit_flag;
  if (task && task->audit) audit = *task->audit;  // the task's explicit choice wins

  if (!task) {
    if (agent_default) return *agent_default;
    if (in.audit_flag)
      throw LaunchError("--audit given but no Seccomp profile applies to container " + in.container_id +
                        " (no --seccomp_profile_name and no profile_name in ContainerInfo)");
    SeccompPlan plan;
    plan.notices.push_back("Seccomp is not applied to container " + in.container_id);
    return plan;
  }

  bool unconfined = task->unconfined.value_or(false);
  if (unconfined && task->profile_name)
    throw LaunchError("Invalid Seccomp configuration: 'profile_name' given even though 'unconfined' "
                      "Seccomp setting is enabled");
  if (unconfined && task->audit.value_or(false))
    throw LaunchError("Invalid Seccomp configuration: 'audit' given even though 'unconfined' "
                      "Seccomp setting is enabled");
  if (task->profile_name) return with_profile(config_dir, *task->profile_name, audit);
  if (unconfined) {
    SeccompPlan plan;
    if (in.audit_flag) plan.notices.push_back("--audit has no effect: the task is unconfined");
    plan.notices.push_back("Seccomp is not applied to container " + in.container_id);
    return plan;
  }
  throw LaunchError("Missing Seccomp profile name");
}

}  // namespace sc::launch
