#include "audit/fleet/fleet_merge.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace sc::fleet {

std::string fleet_container_id(const std::string& container, const std::string& host) { return container + "@" + host; }

Fleet merge_fleet(std::vector<HostRecording> hosts) {
  Fleet fleet;
  fleet.hosts = std::move(hosts);
  for (const auto& h : fleet.hosts) {
    if (fleet.host_states.count(h.host)) throw std::runtime_error("host '" + h.host + "' is given twice");
    fleet.host_states[h.host] = &h.state;
    for (const auto& [id, c] : h.state.containers) {
      const std::string merged_id = fleet_container_id(id, h.host);
      audit::ContainerRecord& m = fleet.merged.containers[merged_id];
      m = c;
      m.container_id = merged_id;
      m.host = h.host;
    }
    for (const auto& [name, s] : h.state.sources) fleet.merged.sources[h.host + ": " + name] = s;
    fleet.merged.last_flush_ns = std::max(fleet.merged.last_flush_ns, h.state.last_flush_ns);
    fleet.notes.insert(fleet.notes.end(), h.notes.begin(), h.notes.end());
    fleet.calls_not_covered += h.calls_not_covered;
  }
  return fleet;
}

refine::ContainerGroup select_digest(const Fleet& fleet, const std::string& digest, const std::string& profile_file) {
  refine::ContainerGroup group;
  group.profile_path = profile_file;
  group.profile_sha256 = digest;
  const audit::ContainerRecord* newest = nullptr;
  std::set<std::string> names;
  for (const auto& [id, c] : fleet.merged.containers) {
    if (c.profile_sha256 != digest) continue;
    group.containers.push_back(&c);
    if (!c.profile_name.empty()) names.insert(c.profile_name);
    if (!newest || c.first_seen_ns >= newest->first_seen_ns) newest = &c;
  }
  if (group.containers.empty()) {
    std::string hosts;
    for (const auto& h : fleet.hosts) hosts += (hosts.empty() ? "" : ", ") + h.host;
    throw std::runtime_error("no container on " + std::to_string(fleet.hosts.size()) + " host(s) (" + hosts +
                             ") ran the profile '" + profile_file + "' (sha256 " + digest + ")");
  }
  group.profile_name = newest->profile_name;
  if (names.size() > 1)
    group.warnings.push_back("the containers name the profile (sha256 " + digest.substr(0, 12) + "...) " +
                             std::to_string(names.size()) + " ways; they are one group by its digest");
  return group;
}

audit::Coverage fleet_coverage(const Fleet& fleet) {
  audit::Coverage out;
  for (const auto& h : fleet.hosts) {
    audit::Coverage c = audit::coverage_of(h.state);
    for (auto g : c.gaps) {
      g.why = "on " + h.host + ": " + g.why;
      out.gaps.push_back(std::move(g));
    }
    out.lost += c.lost;
    out.unattributed_calls += c.unattributed_calls;
  }
  return out;
}

std::vector<std::string> hosts_of(const refine::ContainerGroup& group) {
  std::set<std::string> hosts;
  for (const auto* c : group.containers) hosts.insert(c->host);
  return {hosts.begin(), hosts.end()};
}

}  // namespace sc::fleet
