// cgroup path -> container: the isolator's registry first (exact path, or a cgroup nested
// inside a registered one), then the cgroup rules; unknown -> the cgroup path itself.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit/attribution/cgroup_rules.h"
#include "isolator/registry/registry.h"

namespace sc::attribution {

struct Attribution {
  std::string container_id;
  std::string runtime;                  // registry entries: the entry's ("seccomp-companion", "docker", ...)
  std::string cgroup_path;              // the container's own cgroup (for nested ones: the parent)
  bool watch = false;                   // the tracer should watch it
  const registry::Entry* entry = nullptr;  // registry entry when from the registry
};

class Attributor {
 public:
  explicit Attributor(std::vector<CgroupRule> rules) : rules_(std::move(rules)) {}

  void set_registry(std::vector<registry::Entry> entries);
  const std::vector<registry::Entry>& registry() const { return entries_; }
  // The registry entry whose container init process is `pid` (a kill leaves no /proc entry).
  const registry::Entry* entry_by_pid(int pid) const;

  Attribution attribute(const std::string& cgroup_path) const;

 private:
  std::vector<CgroupRule> rules_;
  std::vector<registry::Entry> entries_;
};

}  // namespace sc::attribution
