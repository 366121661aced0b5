// Re-attribution: verdicts first recorded under a bare cgroup (the container id is the cgroup
// path, or "cgroup:<id>" for a tracer count whose cgroup no scan knew) because the
// container's registry entry was not known yet are moved into the container's record once
// the entry is known. The daemon flushes state.json right after a move, so the move is
// durable; until then a restart re-derives it from the same registry entry.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audit/attribution/attributor.h"
#include "state/aggregate.h"

namespace sc::audit {

// Folds record `from` into record `to` (created, with `from`'s metadata, when missing):
// counts add up per verdict, first/last seen widen, samples and would-be actions are kept
// where `to` has none, learned syscalls merge. `from` is removed. Returns the counts moved.
uint64_t merge_container_record(State& state, const std::string& from, const std::string& to);

struct Reattribution {
  std::string from;          // the bare-cgroup record's id
  std::string to;            // the container id of the registry entry it belongs to
  uint64_t counts = 0;
};

// Moves every bare-cgroup record that the attributor now places in a registered container;
// the target record gets that entry's metadata (runtime seccomp-companion, mode, profile).
std::vector<Reattribution> reattribute_bare_cgroups(State& state, const attribution::Attributor& attributor);

}  // namespace sc::audit
