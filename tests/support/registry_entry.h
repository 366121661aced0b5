// A registry entry as `launch` would publish it for a container, for tests that write one
// into a temporary runtime dir: the fields the daemon attributes and watches by, the rest
// left for the test to set.
#pragma once

#include <time.h>

#include <cstdint>
#include <string>

#include "isolator/registry/registry.h"

namespace sc::testing {

inline sc::registry::Entry registry_entry(const std::string& id, const std::string& cgroup_path, uint64_t cgroup_id,
                                          const std::string& mode = "enforce",
                                          const std::string& profile_name = "default") {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  sc::registry::Entry e;
  e.container_id = id;
  e.cgroup_path = cgroup_path;
  e.cgroup_id = cgroup_id;
  e.mode = mode;
  e.profile_name = profile_name;
  e.started_at_ns = int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
  return e;
}

}  // namespace sc::testing
