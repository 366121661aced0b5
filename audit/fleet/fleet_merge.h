// Several hosts' recordings as one: every container kept apart under "<container>@<host>"
// (two hosts may both have a "web-1"), so `suggest` and `report` see the whole fleet as one
// group of containers and can say how many hosts and containers back each change.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "audit/fleet/host_recording.h"
#include "audit/refine/observations.h"
#include "state/coverage.h"

namespace sc::fleet {

struct Fleet {
  std::vector<HostRecording> hosts;
  // Every host's containers, keyed and named "<container>@<host>" (record.host says which);
  // sources keyed "<host>: <source>" (for display: coverage is judged per host, below).
  audit::State merged;
  // Per host, its own state (sources, hooks, last flush): readiness and coverage are judged
  // with the host's own sources and clock, never with another host's.
  std::map<std::string, const audit::State*> host_states;
  std::vector<std::string> notes;  // every host's notes, and what the merge itself found
  uint64_t calls_not_covered = 0;
};

// Takes the recordings (the Fleet keeps them: host_states point into `hosts`). Throws when a
// host is named twice.
Fleet merge_fleet(std::vector<HostRecording> hosts);

// The name merged containers go by.
std::string fleet_container_id(const std::string& container, const std::string& host);

// The containers, on every host, that ran the profile whose file has this sha256: the group a
// fleet suggestion patches `profile_file` for. Throws when no host has one.
refine::ContainerGroup select_digest(const Fleet& fleet, const std::string& digest, const std::string& profile_file);

// Coverage over the fleet: each host's gaps (named by host), losses and unattributed calls
// added up. Complete only when every host's recording is.
audit::Coverage fleet_coverage(const Fleet& fleet);

// The hosts among `group`'s containers, in order.
std::vector<std::string> hosts_of(const refine::ContainerGroup& group);

}  // namespace sc::fleet
