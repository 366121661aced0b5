#include "audit/attribution/attributor.h"

namespace sc::attribution {

void Attributor::set_registry(std::vector<registry::Entry> entries) { entries_ = std::move(entries); }

const registry::Entry* Attributor::entry_by_pid(int pid) const {
  const registry::Entry* best = nullptr;
  for (const auto& e : entries_)  // pids are reused: prefer the most recent container
    if (e.pid == pid && (!best || e.started_at_ns > best->started_at_ns)) best = &e;
  return best;
}

Attribution Attributor::attribute(const std::string& cgroup_path) const {
  const registry::Entry* best = nullptr;
  for (const auto& e : entries_) {
    if (e.cgroup_path.empty()) continue;
    bool inside = cgroup_path == e.cgroup_path ||
                  (cgroup_path.size() > e.cgroup_path.size() &&
                   cgroup_path.compare(0, e.cgroup_path.size(), e.cgroup_path) == 0 &&
                   cgroup_path[e.cgroup_path.size()] == '/');
    if (inside && (!best || e.cgroup_path.size() > best->cgroup_path.size() ||
                   (e.cgroup_path.size() == best->cgroup_path.size() && e.started_at_ns > best->started_at_ns)))
      best = &e;
  }
  if (best) return {best->container_id, best->runtime, best->cgroup_path, true, best};
  if (auto m = match_cgroup(rules_, cgroup_path)) return {m->container_id, m->runtime, cgroup_path, m->watch, nullptr};
  return {cgroup_path, "cgroup", cgroup_path, false, nullptr};
}

}  // namespace sc::attribution
