// One attributed observation of a seccomp verdict, from any source: the unit the daemon
// journals, replays and folds into the State. `count` is 0 for a sample-only observation
// (a verdict whose count another source owns; see docs/daemon.md, "Sources and which one
// counts what").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "state/aggregate.h"

namespace sc::audit {

struct Observation {
  std::string container_id;
  std::string runtime;
  std::string cgroup_path;
  uint64_t cgroup_id = 0;
  std::string mode;
  std::string profile_name, profile_path, profile_sha256;
  VerdictKey key;
  std::string syscall;
  uint64_t count = 0;
  int64_t first_ns = 0;   // CLOCK_REALTIME
  int64_t last_ns = 0;
  std::optional<Sample> sample;
  // Audit mode: what the enforcing profile would have done with a `log` verdict (nullopt: unknown).
  std::optional<common::Action> would_be_action;
  // The registry entry's bounding set (not journaled: only used to compute would_be_action).
  std::vector<std::string> capabilities;
};

// Folds an observation into the state (creates the container record when new).
void apply(State& state, const Observation& o);

}  // namespace sc::audit
