// Reading back the seccomp filters installed in a running process with
// PTRACE_SECCOMP_GET_FILTER (needs CAP_SYS_ADMIN; the process is seized, interrupted for the
// duration of the read and detached again, so it keeps running undisturbed).
#pragma once

#include <sys/types.h>

#include <vector>

#include <linux/filter.h>

namespace sc::launch {

// The filters in installation order (oldest first), as evaluate_stack() wants them.
// Empty when the process has none. Throws LaunchError naming the pid and the step.
std::vector<std::vector<sock_filter>> read_installed_filters(pid_t pid);

}  // namespace sc::launch
