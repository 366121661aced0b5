// How a container's filter is built from its profile: resolved for the host arch, the
// container's bounding capability set and the running kernel, in enforce or audit mode,
// compiled as a binary tree with SECCOMP_FILTER_FLAG_LOG. `launch` loads it; `inspect`
// rebuilds it the same way to tell a match from drift.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "isolator/compiler/filter.h"
#include "isolator/profile/profile.h"
#include "isolator/profile/resolver.h"

namespace sc::launch {

struct ContainerFilter {
  profile::ResolvedProfile resolved;
  compiler::Filter filter;
};

// Binary tree, the LOG flag, no_new_privs unless root.
compiler::CompileOptions container_compile_options();

// Throws LaunchError("Failed to create Seccomp filter: ...").
ContainerFilter build_container_filter(const profile::Profile& profile,
                                       const std::set<std::string>& bounding_capabilities,
                                       bool audit,
                                       profile::NewSyscalls new_syscalls = profile::NewSyscalls::Enosys);

}  // namespace sc::launch
