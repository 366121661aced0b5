// The container's capabilities (Mesos's linux/capabilities semantics, as far as the seccomp
// isolator needs them) and how they are really applied in the child.
//  - bounding: ContainerInfo's bounding_capabilities; else its effective_capabilities (Mesos:
//    a task that names only effective capabilities is bounded by them); else the
//    launcher's own bounding set.
//  - effective: ContainerInfo's effective_capabilities (must lie within the bounding set).
//    Set as effective, permitted, inheritable and ambient, with SECBIT_NOROOT for a root
//    container so that exec does not hand root the whole bounding set back.
//    Without it, the kernel's exec rules apply (root gets the bounding set, others nothing).
// Seccomp includes/excludes caps are resolved against `bounding`, which is what the
// process really ends up with.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "isolator/launch/container_info.h"

namespace sc::launch {

struct CapabilityPlan {
  uint64_t bounding = 0;                 // bit N = capability N
  std::optional<uint64_t> effective;     // when set, the exact E/P/I/ambient sets
  bool change_bounding = false;          // drop everything outside `bounding`
  std::set<std::string> bounding_names() const;
};

// Throws LaunchError when effective is not within bounding, or names a capability the
// launcher itself does not have in its bounding set.
CapabilityPlan plan_capabilities(const ContainerInfo& info);

// In the child (after setuid; no allocation): makes the sets real. `root_user` says whether
// the command runs as uid 0. Returns 0 or an errno, with `step` naming what failed.
int apply_capabilities(const CapabilityPlan& plan, bool root_user, const char** step);

// The highest capability number the kernel knows (/proc/sys/kernel/cap_last_cap).
unsigned last_capability();

}  // namespace sc::launch
