// `suggest` and `report` over a fleet: the flags that choose one (--prometheus=URL, or
// --state_file given once per host) and the group they select (the containers on every host
// that ran the --profile FILE's digest).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "audit/fleet/fleet_merge.h"

namespace sc::audit::cli {

struct FleetFlags {
  std::string prometheus;                 // --prometheus=URL
  std::vector<std::string> state_files;   // --state_file=FILE, repeatable
  std::string profile_sha256;             // --profile_sha256: select by this digest instead of the file's
  bool active() const { return !prometheus.empty() || !state_files.empty(); }
};

// Registers --prometheus, --state_file and --profile_sha256 on `sub`; they exclude the
// options of a local recording (`local`: --state_dir, --runtime_dir, ...).
void add_fleet_options(CLI::App* sub, FleetFlags& flags, const std::vector<CLI::Option*>& local);

struct FleetSelection {
  ::sc::fleet::Fleet fleet;  // (qualified from the top: the member is named like the namespace)
  refine::ContainerGroup group;           // points into fleet.merged
  std::string digest;
  std::vector<std::string> hosts;         // the hosts among the group's containers
  bool from_prometheus = false;
};

// Reads the fleet and selects the profile: `profile_file` is the --profile FILE (patched and
// judged against; its sha256 selects unless --profile_sha256 is given). Throws with a message
// naming what failed and where.
std::unique_ptr<FleetSelection> select_fleet(const FleetFlags& flags, const std::string& profile_file);

// "fleet: 2 hosts, 3 containers ran sha256 1a2b3c4d5e6f... (FILE): HOST (c1, c2); HOST (c3)"
std::string fleet_summary(const FleetSelection& selection, const std::string& profile_file);

}  // namespace sc::audit::cli
