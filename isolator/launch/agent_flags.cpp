#include "isolator/launch/agent_flags.h"

#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "isolator/launch/launch_error.h"

namespace sc::launch {

bool seccomp_isolation_enabled(const std::string& isolation) {
  std::stringstream in(isolation);
  std::string item;
  while (std::getline(in, item, ','))
    if (item == "linux/seccomp") return true;
  return false;
}

HostFacts probe_host() {
  HostFacts facts;
  facts.root = ::geteuid() == 0;
  // SECCOMP_GET_ACTION_AVAIL exists since 4.14; on any kernel with filter support,
  // prctl(PR_GET_SECCOMP) succeeds. EINVAL from both means no CONFIG_SECCOMP_FILTER.
  uint32_t action = SECCOMP_RET_ALLOW;
  if (::syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0) {
    facts.seccomp_filters = true;
  } else {
    facts.seccomp_filters = ::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 && errno != EINVAL;
  }
  return facts;
}

void check_startup(const AgentFlags& flags, const HostFacts& host) {
  if (!host.root) throw LaunchError("Linux Seccomp isolator requires root permissions");
  if (!host.seccomp_filters) throw LaunchError("Seccomp is not supported by the kernel");
  if (!flags.seccomp_config_dir || flags.seccomp_config_dir->empty())
    throw LaunchError("Missing required `--seccomp_config_dir` flag");
}

}  // namespace sc::launch
