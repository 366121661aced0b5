// Resource limits for the container (Mesos RLimitInfo), applied in the child before the
// filter is loaded.
#pragma once

#include <sys/resource.h>

#include <string>
#include <vector>

namespace sc::launch {

struct Rlimit {
  int resource = 0;            // RLIMIT_*
  std::string name;            // "RLMT_NOFILE"
  rlim_t soft = RLIM_INFINITY;
  rlim_t hard = RLIM_INFINITY;
};

// "RLMT_NOFILE", "NOFILE" or "nofile" -> RLIMIT_NOFILE; -1 when unknown.
int rlimit_resource(const std::string& name);

// The --rlimit flag: "NAME=SOFT:HARD" or "NAME=LIMIT" (soft = hard); "unlimited" allowed.
// Throws LaunchError naming the flag value.
Rlimit parse_rlimit_flag(const std::string& value);

// In the child: setrlimit for each. Returns 0 or the errno, with `failed` set to the one
// that failed (no allocation: called after fork).
int apply_rlimits(const std::vector<Rlimit>& limits, const Rlimit** failed);

}  // namespace sc::launch
