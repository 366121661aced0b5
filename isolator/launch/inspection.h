// `inspect PID`: the filters a process has, their verdicts, and, when the process belongs
// to a container in the registry (its pid, or its cgroup2 path), whether they match what
// the container's profile compiles to (same mode, same bounding capabilities) or drifted.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "isolator/launch/filter_comparison.h"
#include "isolator/registry/registry.h"

namespace sc::launch {

struct Inspection {
  pid_t pid = 0;
  FilterStack filters;                       // installation order
  std::vector<ProbeArch> arches;
  std::vector<ArchVerdicts> verdicts;        // of the installed stack, arguments zero
  std::optional<registry::Entry> container;  // the registered container, if any
  std::string matched_by;                    // "pid" or "cgroup"
  std::optional<Comparison> comparison;      // set when there is a container to compare to
  std::string comparison_problem;            // why no comparison could be made, if so
  bool match() const { return comparison && comparison->differences.empty(); }
};

// Throws LaunchError when the filters cannot be read.
Inspection inspect_process(pid_t pid, const std::string& runtime_dir);

// The running container a pid belongs to (entries that have not exited only).
std::optional<registry::Entry> find_container(pid_t pid, const std::string& runtime_dir, std::string* matched_by);

}  // namespace sc::launch
